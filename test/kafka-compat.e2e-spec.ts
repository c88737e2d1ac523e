import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import type { Decision } from '../src/domain/decision.js';
import type { DeadLetter } from '../src/events/dead-letter.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { loginEvent, transactionEvent } from './support/events.js';
import { TopicReader, createTopics, produce, serviceEnvFor, uniqueTopics } from './support/kafka-io.js';
import { ServiceProcess } from './support/service-process.js';

/**
 * Smoke test against the previous major line (3.9.x), on a broker of its own: the main suite runs
 * against the current 4.x release. Ports below the ephemeral range, like the main test broker's.
 */
const version = process.env.RISKWIRE_KAFKA_COMPAT_VERSION ?? '3.9.2';
const script = fileURLToPath(new URL('../scripts/kafka/kafka.sh', import.meta.url));
const env = { ...process.env, KAFKA_VERSION: version, KAFKA_PORT: '19492', KAFKA_CONTROLLER_PORT: '19493' };

describe(`Kafka ${version} compatibility smoke test`, () => {
  let kafka: Kafka;
  let simulator: RunningSimulator;
  let service: ServiceProcess;
  const topics = uniqueTopics('compat');

  beforeAll(async () => {
    execFileSync('bash', [script, 'start'], { env, stdio: 'inherit' });
    kafka = new Kafka({ clientId: 'compat-test', brokers: ['127.0.0.1:19492'], logLevel: logLevel.NOTHING });
    simulator = await startSimulator({ port: 0, apiKey: 'compat' });
    await createTopics(kafka, [topics.login, topics.transaction, topics.decisions, topics.dlq], 2);
    service = await new ServiceProcess(
      serviceEnvFor(topics, { baseUrl: simulator.baseUrl, apiKey: 'compat' }, {}, ['127.0.0.1:19492']),
    ).start();
  });

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await simulator?.close();
    execFileSync('bash', [script, 'stop', '--clean'], { env, stdio: 'inherit' });
  });

  it('decides events and dead-letters bad input on the 3.9 line too', async () => {
    const decisions = await new TopicReader<Decision>(kafka, topics.decisions).start();
    const letters = await new TopicReader<DeadLetter>(kafka, topics.dlq).start();
    const events = [loginEvent('+491730000001'), transactionEvent('+491730000002'), loginEvent('+491730000003')];
    await produce(kafka, topics.login, [
      ...events.map((e) => ({ key: e.accountId, value: JSON.stringify(e) })),
      { key: 'bad', value: 'not json' },
    ]);
    await decisions.waitFor((r) => r.length >= events.length, 60000, 'decisions');
    await letters.waitFor((r) => r.length >= 1, 30000, 'dead letter');
    expect(new Set(decisions.records.map((r) => r.value.eventId))).toEqual(new Set(events.map((e) => e.eventId)));
    expect(decisions.records.every((r) => r.value.outcome === 'ALLOW')).toBe(true);
    expect(letters.records[0].value.error.code).toBe('MALFORMED_JSON');
    await decisions.stop();
    await letters.stop();
  });
});
