import { describe, expect, it } from '@jest/globals';
import { DeterministicFailure } from '../domain/deterministic-failure.js';
import type { ErrorDescription } from '../domain/error-codes.js';
import { loadConfig } from '../config/app-config.js';
import type { DecisionPublisher } from './decision-publisher.js';
import type { RiskEngine } from '../decisions/risk-engine.js';
import type { InboundRecord } from '../kafka/inbound-record.js';
import { RecordTooLargeError } from '../kafka/kafka-errors.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import type { DeadLetterPublisher } from './dead-letter-publisher.js';
import { EventPipeline } from './event-pipeline.js';

const event = { eventId: 'e1', type: 'login', occurredAt: '2026-11-21T10:00:00Z', accountId: 'a1', phoneNumber: '+491701234567' };
const record = (value: string): InboundRecord => ({
  topic: 't',
  partition: 0,
  offset: '5',
  key: null,
  value: Buffer.from(value),
  timestamp: '0',
});

function pipeline(assess: () => Promise<unknown>, publish: () => Promise<void> = () => Promise.resolve()) {
  const letters: ErrorDescription[] = [];
  let assessCalls = 0;
  const engine = {
    assess: () => {
      assessCalls++;
      return assess();
    },
    recordDelivered: () => undefined,
  } as unknown as RiskEngine;
  const decisions = { publish } as unknown as DecisionPublisher;
  const deadLetters = {
    publish: (_r: InboundRecord, e: ErrorDescription) => Promise.resolve(void letters.push(e)),
  } as unknown as DeadLetterPublisher;
  const metrics = new RiskwireMetrics({ defaultMetrics: false });
  const p = new EventPipeline(engine, decisions, deadLetters, metrics, loadConfig({ PROCESSING_RETRIES: '2' }));
  return { p, letters, calls: () => assessCalls };
}

const decision = { decision: { decisionId: 'dec_1', accountId: 'a1', eventType: 'login', outcome: 'ALLOW', reasons: [] } };

describe('EventPipeline failure handling', () => {
  it('dead-letters a deterministic failure at once, with its own code', async () => {
    const { p, letters, calls } = pipeline(() =>
      Promise.reject(new DeterministicFailure('EVENT_ID_CONFLICT', 'e1 was decided for other content')),
    );
    await p.handle(record(JSON.stringify(event)));
    expect(letters).toEqual([{ code: 'EVENT_ID_CONFLICT', message: 'e1 was decided for other content', details: [] }]);
    expect(calls()).toBe(1);
  });

  it('dead-letters an unexpected exception as PROCESSING_FAILED after the bounded attempts', async () => {
    const { p, letters, calls } = pipeline(() =>
      Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x') for +491701234567")),
    );
    await p.handle(record(JSON.stringify(event)));
    expect(calls()).toBe(3);
    expect(letters).toHaveLength(1);
    expect(letters[0].code).toBe('PROCESSING_FAILED');
    expect(letters[0].message).toContain('TypeError');
    expect(letters[0].message).not.toContain('+491701234567');
  });

  it('recovers when an unexpected exception does not recur', async () => {
    let n = 0;
    const { p, letters } = pipeline(() => (n++ === 0 ? Promise.reject(new RangeError('once')) : Promise.resolve(decision)));
    await p.handle(record(JSON.stringify(event)));
    expect(letters).toEqual([]);
  });

  it('lets a transient failure through to the consumer, which holds the record', async () => {
    const { p, letters } = pipeline(() => Promise.reject(Object.assign(new Error('Connection is closed.'), { name: 'Error' })));
    await expect(p.handle(record(JSON.stringify(event)))).rejects.toThrow('Connection is closed.');
    expect(letters).toEqual([]);
  });

  it('parks a decision the broker refuses as too large as PROCESSING_FAILED', async () => {
    const { p, letters } = pipeline(
      () => Promise.resolve(decision),
      () => Promise.reject(new RecordTooLargeError('risk.decisions.v1', 5000)),
    );
    await p.handle(record(JSON.stringify(event)));
    expect(letters).toEqual([
      expect.objectContaining({ code: 'PROCESSING_FAILED', message: expect.stringContaining('refused by the broker as too large') }),
    ]);
  });

  it('dead-letters bad input without calling the engine', async () => {
    const { p, letters, calls } = pipeline(() => Promise.resolve(decision));
    await p.handle(record('['.repeat(3000)));
    expect(letters.map((l) => l.code)).toEqual(['MALFORMED_JSON']);
    expect(calls()).toBe(0);
  });
});
