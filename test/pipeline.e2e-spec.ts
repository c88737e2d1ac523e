import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import type { Decision } from '../src/domain/decision.js';
import type { DeadLetter } from '../src/events/dead-letter.js';
import { loginEvent, transactionEvent } from './support/events.js';
import type { TopicReader } from './support/kafka-io.js';
import { produce } from './support/kafka-io.js';
import { PipelineStack } from './support/pipeline-stack.js';
import type { ServiceProcess } from './support/service-process.js';
import { hoursAgo, type SimulatorAdmin } from './support/simulator-admin.js';

const API_KEY = 'e2e-upstream-key';

describe('Kafka pipeline end to end (real broker, real simulator, service as a process)', () => {
  let stack: PipelineStack;
  let kafka: Kafka;
  let admin: SimulatorAdmin;
  let service: ServiceProcess;
  let decisions: TopicReader<Decision>;
  let deadLetters: TopicReader<DeadLetter>;
  let topics: PipelineStack['topics'];

  beforeAll(async () => {
    stack = await PipelineStack.start({
      prefix: 'pipeline',
      upstreamKey: API_KEY,
      env: { SIGNALS_TIMEOUT_MS: '400', SIGNALS_RETRIES: '0', MAX_PAYLOAD_BYTES: '4096', SIGNAL_CACHE: 'off' },
    });
    ({ kafka, admin, service, decisions, deadLetters, topics } = stack);
  });

  afterAll(() => stack?.stop());

  it('turns N valid and M invalid events into exactly N decisions and M dead letters', async () => {
    const swappedAndForwarded = '+491700000001';
    const simAndDevice = '+491700000002';
    const forwardedOnly = '+491700000003';
    const unknown = '+491700000004';
    await admin.subscriber(swappedAndForwarded, { simSwappedAt: hoursAgo(2), callForwardingActive: true });
    await admin.subscriber(simAndDevice, { simSwappedAt: hoursAgo(3), deviceSwappedAt: hoursAgo(3) });
    await admin.subscriber(forwardedOnly, { callForwardingActive: true });
    await admin.subscriber(unknown, { known: false });

    const clean = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? loginEvent(`+4917100${String(i).padStart(5, '0')}`) : transactionEvent(`+4917100${String(i).padStart(5, '0')}`),
    );
    const risky = [
      loginEvent(swappedAndForwarded),
      transactionEvent(swappedAndForwarded),
      transactionEvent(simAndDevice),
      loginEvent(forwardedOnly),
      transactionEvent(unknown, '5000.00'),
    ];
    const valid = [...clean, ...risky];
    const invalid: { value: string | Buffer; code: string }[] = [
      { value: '{"eventId": "broken", ', code: 'MALFORMED_JSON' },
      { value: Buffer.from([0xc3, 0x28, 0xff]), code: 'MALFORMED_JSON' },
      { value: JSON.stringify({ ...loginEvent('+491711111111'), pad: 'x'.repeat(5000) }), code: 'PAYLOAD_TOO_LARGE' },
      { value: JSON.stringify({ ...loginEvent('+491711111111'), type: 'refund' }), code: 'UNSUPPORTED_EVENT_TYPE' },
      { value: JSON.stringify({ ...loginEvent('+491711111111'), phoneNumber: '01711111111' }), code: 'VALIDATION_ERROR' },
      {
        value: JSON.stringify({ ...transactionEvent('+491711111111'), amount: { value: 'ten', currency: 'EUR' } }),
        code: 'VALIDATION_ERROR',
      },
    ];
    // Either topic may carry either type; mix them up on purpose.
    await produce(
      kafka,
      topics.login,
      valid.filter((_, i) => i % 3 !== 0).map((e) => ({ key: e.accountId, value: JSON.stringify(e) })),
    );
    await produce(
      kafka,
      topics.transaction,
      valid.filter((_, i) => i % 3 === 0).map((e) => ({ key: e.accountId, value: JSON.stringify(e) })),
    );
    await produce(
      kafka,
      topics.login,
      invalid.map((m, i) => ({ key: `bad-${i}`, value: m.value })),
    );

    await decisions.waitFor((r) => new Set(r.map((d) => d.value.eventId)).size >= valid.length, 60000, 'decisions');
    await deadLetters.waitFor((r) => r.length >= invalid.length, 30000, 'dead letters');
    await new Promise((r) => setTimeout(r, 1500)); // anything extra would show up now

    const byEvent = new Map(decisions.records.map((r) => [r.value.eventId, r.value]));
    expect(new Set(byEvent.keys())).toEqual(new Set(valid.map((e) => e.eventId)));
    expect(decisions.records).toHaveLength(valid.length);
    expect(deadLetters.records).toHaveLength(invalid.length);

    for (const e of clean) {
      const d = byEvent.get(e.eventId)!;
      expect(d).toMatchObject({ outcome: 'ALLOW', degraded: false, eventType: e.type, accountId: e.accountId });
      expect(decisions.records.find((r) => r.value.eventId === e.eventId)?.key).toBe(e.accountId);
    }
    const [swapFwdLogin, swapFwdTx, simDeviceTx, fwdLogin, unknownBigTx] = risky.map((e) => byEvent.get(e.eventId)!);
    expect(swapFwdLogin.outcome).toBe('DENY');
    expect(swapFwdTx.outcome).toBe('DENY');
    expect(simDeviceTx.outcome).toBe('DENY');
    expect(['CHALLENGE', 'REVIEW', 'DENY']).toContain(fwdLogin.outcome);
    expect(fwdLogin.avoidOtpChannels).toContain('voice');
    expect(fwdLogin.reasons.map((r) => r.code)).toContain('CALL_FORWARDING_ACTIVE');
    expect(swapFwdLogin.avoidOtpChannels).toEqual(expect.arrayContaining(['sms', 'voice']));
    expect(unknownBigTx.outcome).not.toBe('ALLOW');
    expect(unknownBigTx.degraded).toBe(true);
    expect(unknownBigTx.signals.simSwap.status).toBe('NOT_FOUND');
    for (const d of byEvent.values()) {
      expect(d.decisionId).toMatch(/^dec_/);
      expect(Number.isInteger(d.score) && d.score >= 0 && d.score <= 100).toBe(true);
      expect(typeof d.policyVersion).toBe('string');
      expect(JSON.stringify(d)).not.toContain('"phoneNumber"');
    }

    const codes = deadLetters.records.map((r) => r.value.error.code).sort();
    expect(codes).toEqual(invalid.map((m) => m.code).sort());
    for (const { value: letter } of deadLetters.records) {
      expect(letter.source.topic).toBe(topics.login);
      expect(letter.source.partition).toBeGreaterThanOrEqual(0);
      expect(letter.source.offset).toMatch(/^\d+$/);
      expect(letter.source.key).toMatch(/^bad-\d$/);
      expect(typeof letter.receivedAt).toBe('string');
    }
    const binary = deadLetters.records.find((r) => r.value.payloadEncoding === 'base64');
    expect(Buffer.from(binary!.value.payload!, 'base64')).toEqual(Buffer.from([0xc3, 0x28, 0xff]));
    const validation = deadLetters.records.find((r) => r.value.error.details.some((d) => d.field === 'phoneNumber'));
    expect(validation?.value.error.details).toContainEqual(
      expect.objectContaining({ field: 'phoneNumber', code: 'INVALID_PHONENUMBER_FORMAT' }),
    );
  });

  it('makes a degraded decision when a check times out, instead of blocking', async () => {
    await admin.faults({ callForwarding: { timeoutRate: 1 } });
    try {
      const event = loginEvent('+491722222222');
      const started = Date.now();
      await produce(kafka, topics.login, [{ key: event.accountId, value: JSON.stringify(event) }]);
      await decisions.waitFor((r) => r.some((d) => d.value.eventId === event.eventId), 20000, 'the degraded decision');
      const d = decisions.records.find((r) => r.value.eventId === event.eventId)!.value;
      expect(Date.now() - started).toBeLessThan(10000);
      expect(d.degraded).toBe(true);
      expect(d.signals.callForwarding).toMatchObject({ status: 'UNAVAILABLE' });
      expect(d.signals.simSwap.status).toBe('OK');
      expect(d.reasons.map((r) => r.code)).toContain('SIGNAL_UNAVAILABLE_CALL_FORWARDING');
    } finally {
      await admin.faults({});
    }
  });

  it('reports readiness and exposes metrics with bounded labels', async () => {
    const ready = await fetch(`${service.httpUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/riskwire_decisions_total\{event_type="login",outcome="ALLOW",source="kafka",degraded="false"\} \d+/);
    expect(metrics).toMatch(/riskwire_dead_letters_total\{code="MALFORMED_JSON",topic="[^"]+"\} 2/);
    expect(metrics).not.toMatch(/\+49\d{6,}/);
  });
});
