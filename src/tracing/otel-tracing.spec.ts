import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadConfig, type TracingConfig } from '../config/app-config.js';
import { activeTraceIds, OtelTracing } from './otel-tracing.js';
import { NOOP_TRACING } from './tracing.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

const config = (overrides: Partial<TracingConfig> = {}): TracingConfig => ({
  ...loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing,
  ...overrides,
});

describe('OtelTracing', () => {
  let exporter: InMemorySpanExporter;
  let tracing: OtelTracing;
  const finished = async (): Promise<ReadableSpan[]> => {
    await tracing.flush();
    return exporter.getFinishedSpans();
  };
  const named = (spans: ReadableSpan[], name: string) => spans.find((s) => s.name === name)!;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    tracing = new OtelTracing(config(), exporter);
  });
  afterEach(() => tracing.shutdown());

  it('parents a span on the traceparent of Kafka headers (bytes) and keeps the tracestate', async () => {
    const headers = { traceparent: Buffer.from(TRACEPARENT), tracestate: Buffer.from('vendor=abc') };
    await tracing.inSpan('process risk.login.v1', { kind: 'consumer', parent: headers }, () => Promise.resolve());
    const span = named(await finished(), 'process risk.login.v1');
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(span.parentSpanContext?.isRemote).toBe(true);
    expect(span.spanContext().traceState?.get('vendor')).toBe('abc');
  });

  it('starts a new trace for a record without a traceparent, or with a malformed one', async () => {
    await tracing.inSpan('a', { kind: 'consumer', parent: {} }, () => Promise.resolve());
    await tracing.inSpan('b', { kind: 'consumer', parent: { traceparent: '00-not-a-trace-01' } }, () => Promise.resolve());
    const spans = await finished();
    for (const name of ['a', 'b']) {
      expect(named(spans, name).parentSpanContext).toBeUndefined();
      expect(named(spans, name).spanContext().traceId).not.toBe(TRACE_ID);
    }
  });

  it('makes spans started inside (after an await) children of the active span, and injects its context', async () => {
    let injected: Record<string, string> = {};
    await tracing.inSpan('process t', { kind: 'consumer', parent: { traceparent: TRACEPARENT, tracestate: 'vendor=abc' } }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await tracing.inSpan('simSwap check', { kind: 'client' }, () => Promise.resolve());
      await tracing.inSpan('send decisions', { kind: 'producer' }, () => {
        injected = tracing.traceHeaders();
        return Promise.resolve();
      });
    });
    const spans = await finished();
    const consume = named(spans, 'process t');
    const upstream = named(spans, 'simSwap check');
    const publish = named(spans, 'send decisions');
    expect(upstream.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(publish.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(injected.traceparent).toBe(`00-${TRACE_ID}-${publish.spanContext().spanId}-01`);
    expect(injected.tracestate).toBe('vendor=abc');
  });

  it('honours a caller that did not sample: nothing is recorded, the decision still carries its trace id', async () => {
    let injected: Record<string, string> = {};
    await tracing.inSpan('process t', { kind: 'consumer', parent: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-00` } }, () => {
      injected = tracing.traceHeaders();
      return Promise.resolve();
    });
    expect(await finished()).toHaveLength(0);
    expect(injected.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
  });

  it('marks a span failed when its work rejects, with the message masked, and rethrows', async () => {
    const work = () => Promise.reject(new Error('upstream said no for +491701234567'));
    await expect(tracing.inSpan('x', { kind: 'internal' }, work)).rejects.toThrow('upstream said no');
    const span = named(await finished(), 'x');
    expect(span.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(span.status.message).not.toContain('1701234567');
  });

  it('gives log lines and exemplars the ids of the active sampled span only', async () => {
    expect(activeTraceIds()).toBeUndefined();
    let inside: unknown;
    await tracing.inSpan('x', { kind: 'internal', parent: { traceparent: TRACEPARENT } }, () => {
      inside = tracing.activeIds();
      return Promise.resolve();
    });
    expect(inside).toEqual({ traceId: TRACE_ID, spanId: named(await finished(), 'x').spanContext().spanId });
  });

  it('runs a started span around synchronous work and ends it when told (HTTP)', async () => {
    const span = tracing.startSpan('POST', { kind: 'server', parent: { traceparent: [TRACEPARENT] } });
    const ids = span.run(() => tracing.activeIds());
    span.updateName('POST /v1/assessments');
    span.end();
    const recorded = named(await finished(), 'POST /v1/assessments');
    expect(ids?.traceId).toBe(TRACE_ID);
    expect(recorded.spanContext().traceId).toBe(TRACE_ID);
  });

  it('keeps a started span active in listeners of a bound emitter (a request body read from the socket)', async () => {
    const body = new EventEmitter();
    const span = tracing.startSpan('POST', { kind: 'server', parent: { traceparent: TRACEPARENT } });
    let seen: unknown;
    span.run(() => span.bind(body).on('end', () => (seen = tracing.activeIds()?.traceId)));
    await new Promise((resolve) => setImmediate(resolve));
    body.emit('end'); // emitted outside the span, as the socket does
    span.end();
    expect(seen).toBe(TRACE_ID);
  });
});

describe('NOOP_TRACING (tracing off)', () => {
  it('runs the work, injects nothing, knows no ids and registers no context manager', async () => {
    expect(NOOP_TRACING.enabled).toBe(false);
    let ids: unknown = 'unset';
    await NOOP_TRACING.inSpan('x', { kind: 'consumer', parent: { traceparent: TRACEPARENT } }, () => {
      ids = NOOP_TRACING.activeIds();
      return Promise.resolve();
    });
    expect(ids).toBeUndefined();
    expect(NOOP_TRACING.traceHeaders()).toEqual({});
    // without a context manager, context.with does not carry a context into an await
    const key = Symbol('k');
    const seen = await context.with(context.active().setValue(key, 1), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return context.active().getValue(key);
    });
    expect(seen).toBeUndefined();
  });
});

describe('tracing configuration (standard OTEL_* variables)', () => {
  it('is off without them, and when disabled or the exporter is none', () => {
    expect(loadConfig({}).tracing.enabled).toBe(false);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_SDK_DISABLED: 'true' }).tracing.enabled).toBe(false);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing.enabled).toBe(false);
  });

  it('is on with an endpoint: the base URL gets /v1/traces, a traces URL is taken as is', () => {
    const base = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/' }).tracing;
    expect(base).toMatchObject({ enabled: true, exporter: 'otlp', endpoint: 'http://otel:4318/v1/traces', protocol: 'http/protobuf' });
    const traces = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:9999/custom',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'riskwire-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing;
    expect(traces).toMatchObject({
      endpoint: 'http://collector:9999/custom',
      protocol: 'http/json',
      serviceName: 'riskwire-eu',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing.endpoint).toBe('http://localhost:4318/v1/traces');
  });

  it('names the variable of a wrong value', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf/);
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'otel:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
