import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('builds working defaults from an empty environment', () => {
    const c = loadConfig({});
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(c.kafka.topics).toEqual({
      login: 'risk.login.v1',
      transaction: 'risk.transaction.v1',
      decisions: 'risk.decisions.v1',
      dlq: 'risk.dlq.v1',
    });
    expect(c.signals.timeoutMs).toBe(1500);
    expect(c.kafka.maxPayloadBytes).toBe(65536);
  });

  it('parses typed values', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'a:1,b:2', SIGNALS_TIMEOUT_MS: '900', PER_KEY_ORDERING: 'true' });
    expect(c.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(c.signals.timeoutMs).toBe(900);
    expect(c.kafka.perKeyOrdering).toBe(true);
  });

  it('names every wrong variable', () => {
    let err: unknown;
    try {
      loadConfig({ SIGNALS_TIMEOUT_MS: 'soon', KAFKA_BROKERS: 'nohostport', SIGNAL_CACHE: 'disk' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const vars = (err as ConfigError).problems.map((p) => p.variable).sort();
    expect(vars).toEqual(['KAFKA_BROKERS', 'SIGNALS_TIMEOUT_MS', 'SIGNAL_CACHE']);
    expect((err as Error).message).toContain('SIGNALS_TIMEOUT_MS');
  });

  it('KAFKA_TENANT defaults to kafka and must be a tenant id', () => {
    expect(loadConfig({}).tenancy.kafkaTenant).toBe('kafka');
    expect(loadConfig({ KAFKA_TENANT: 'payments.eu-1' }).tenancy.kafkaTenant).toBe('payments.eu-1');
    for (const bad of ['Kafka', 'a:b', '-kafka', 'k'.repeat(64)]) {
      expect(() => loadConfig({ KAFKA_TENANT: bad })).toThrow(/KAFKA_TENANT: must be a tenant id/);
    }
  });
});
