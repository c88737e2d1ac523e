import { afterEach, describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../config/app-config.js';
import type { RiskEngine } from '../decisions/risk-engine.js';
import type { BatchingProducer, OutboundMessage } from '../kafka/batching-producer.js';
import type { InboundRecord } from '../kafka/inbound-record.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { OtelTracing } from '../tracing/otel-tracing.js';
import { NOOP_TRACING, Tracing } from '../tracing/tracing.js';
import type { DeadLetterPublisher } from './dead-letter-publisher.js';
import { DecisionPublisher } from './decision-publisher.js';
import { EventPipeline } from './event-pipeline.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const event = { eventId: 'e1', type: 'login', occurredAt: '2026-11-21T10:00:00Z', accountId: 'a1', phoneNumber: '+491701234567' };
const decision = { decisionId: 'dec_1', accountId: 'a1', eventType: 'login', outcome: 'ALLOW', reasons: [], policyVersion: 'p1' };
const record: InboundRecord = {
  topic: 'risk.login.v1',
  partition: 0,
  offset: '7',
  key: null,
  value: Buffer.from(JSON.stringify(event)),
  timestamp: '0',
  headers: { traceparent: Buffer.from(`00-${TRACE_ID}-00f067aa0ba902b7-01`) },
};

/** The event path with a real DecisionPublisher over a producer that keeps what it is given. */
function eventPath(tracing: Tracing) {
  const config = loadConfig({});
  const sent: OutboundMessage[] = [];
  const producer = { send: (_t: string, m: OutboundMessage) => Promise.resolve(void sent.push(m)) } as unknown as BatchingProducer;
  const metrics = new RiskwireMetrics({ defaultMetrics: false });
  const publisher = new DecisionPublisher(producer, config, metrics, tracing);
  const engine = { assess: () => Promise.resolve({ decision }), recordDelivered: () => undefined } as unknown as RiskEngine;
  const deadLetters = { publish: () => Promise.resolve() } as unknown as DeadLetterPublisher;
  return { pipeline: new EventPipeline(engine, publisher, deadLetters, metrics, config, undefined, tracing), sent };
}

/** Tracing off, and any use of the port beyond `enabled` would throw: the hot path only reads the flag. */
class UntouchableTracing extends Tracing {
  readonly enabled = false;
  inSpan(): never {
    throw new Error('inSpan called with tracing off');
  }
  startSpan(): never {
    throw new Error('startSpan called with tracing off');
  }
  traceHeaders(): never {
    throw new Error('traceHeaders called with tracing off');
  }
  activeIds(): never {
    throw new Error('activeIds called with tracing off');
  }
  shutdown = () => Promise.resolve();
}

describe('the Kafka event path and tracing', () => {
  let tracing: OtelTracing | undefined;
  afterEach(() => tracing?.shutdown());

  it('off: reads nothing but the flag, and the decision carries no trace header', async () => {
    const { pipeline, sent } = eventPath(new UntouchableTracing());
    await pipeline.handle(record);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0].headers ?? {})).toEqual(['riskwire-decision-id', 'riskwire-policy-version']);
    expect(NOOP_TRACING.enabled).toBe(false);
  });

  it('on: the decision record carries a traceparent of the event trace, naming the publish span', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = new OtelTracing(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing, exporter);
    const { pipeline, sent } = eventPath(tracing);
    await pipeline.handle(record);
    await tracing.flush();
    const spans = exporter.getFinishedSpans();
    const consume = spans.find((s) => s.name === 'process risk.login.v1')!;
    const publish = spans.find((s) => s.name === `send ${loadConfig({}).kafka.topics.decisions}`)!;
    expect(consume.attributes).toMatchObject({
      'messaging.kafka.offset': 7,
      'riskwire.event.id': 'e1',
      'riskwire.decision.outcome': 'ALLOW',
    });
    expect(publish.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(sent[0].headers?.traceparent).toBe(`00-${TRACE_ID}-${publish.spanContext().spanId}-01`);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('1701234567');
  });
});
