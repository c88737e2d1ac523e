import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  BasicTracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { BUILD_VERSION } from '../common/build-version.js';
import { maskPhoneNumbersInText } from '../common/log-redaction.js';
import type { TracingConfig } from '../config/app-config.js';
import { carrierGetter, recordSetter } from './trace-headers.js';
import { Tracing, type SpanKindName, type SpanOptions, type StartedSpan, type TraceIds, type TraceSpan } from './tracing.js';

const KINDS: Record<SpanKindName, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

/**
 * Tracing on: the OpenTelemetry SDK with our own tracer provider and W3C propagator (not the API's globals, so
 * several apps in one process, as in the tests, each export their own spans), and the AsyncLocalStorage context
 * manager, which is process-wide by nature: registered by the first OtelTracing, removed by the last one shut down.
 */
export class OtelTracing extends Tracing {
  readonly enabled = true;
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly propagator = new W3CTraceContextPropagator();
  private closed?: Promise<void>;

  constructor(config: TracingConfig, exporter: SpanExporter = exporterFor(config)) {
    super();
    acquireContextManager();
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, [ATTR_SERVICE_VERSION]: BUILD_VERSION }),
      sampler: samplerFor(config),
      // a second between exports keeps a trace a second away from the backend; spans queue up to the bound, then drop
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000, maxQueueSize: 8192, maxExportBatchSize: 512 })],
    });
    this.tracer = this.provider.getTracer('riskwire', BUILD_VERSION);
  }

  async inSpan<T>(name: string, options: SpanOptions, work: (span: TraceSpan) => Promise<T>): Promise<T> {
    const [span, active] = this.begin(name, options);
    return context.with(active, async () => {
      try {
        return await work(handleOf(span));
      } catch (error) {
        fail(span, describe(error));
        throw error;
      } finally {
        span.end();
      }
    });
  }

  startSpan(name: string, options: SpanOptions): StartedSpan {
    const [span, active] = this.begin(name, options);
    return {
      ...handleOf(span),
      run: (work) => context.with(active, work),
      bind: (emitter) => context.bind(active, emitter),
      end: () => span.end(),
    };
  }

  traceHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    this.propagator.inject(context.active(), headers, recordSetter);
    return headers;
  }

  activeIds(): TraceIds | undefined {
    return idsOf(context.active());
  }

  /** Exports every ended span now (tests; a shutdown does it too). */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    this.closed ??= this.provider.shutdown().finally(releaseContextManager);
    return this.closed;
  }

  private begin(name: string, { kind, attributes, parent }: SpanOptions): [Span, Context] {
    // A remote parent replaces whatever is active: a record or request starts from its own headers, or a new trace.
    const parentContext = parent === undefined ? context.active() : this.propagator.extract(ROOT_CONTEXT, parent, carrierGetter);
    const span = this.tracer.startSpan(name, { kind: KINDS[kind], attributes }, parentContext);
    return [span, trace.setSpan(parentContext, span)];
  }
}

/** Trace and span id of the active, sampled span: what log lines and exemplars point to. */
export function idsOf(active: Context): TraceIds | undefined {
  const spanContext = trace.getSpanContext(active);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  if ((spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/** For the log mixin: the active span's ids, read from the process-wide context (empty while tracing is off). */
export function activeTraceIds(): TraceIds | undefined {
  return idsOf(context.active());
}

function handleOf(span: Span): TraceSpan {
  return {
    setAttributes: (attributes) => void span.setAttributes(attributes),
    updateName: (name) => void span.updateName(name),
    fail: (message) => fail(span, message),
  };
}

function fail(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'non-Error thrown';
  return maskPhoneNumbersInText(text.slice(0, 300));
}

function exporterFor(config: TracingConfig): SpanExporter {
  if (config.exporter === 'console') return new ConsoleSpanExporter();
  // headers, timeout, compression and certificates: the exporters read OTEL_EXPORTER_OTLP_* themselves
  return config.protocol === 'http/json'
    ? new OtlpJsonExporter({ url: config.endpoint })
    : new OtlpProtobufExporter({ url: config.endpoint });
}

function samplerFor({ sampler, samplerRatio }: TracingConfig): Sampler {
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(samplerRatio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(samplerRatio) });
  }
}

let contextManagerUsers = 0;

function acquireContextManager(): void {
  if (contextManagerUsers++ === 0) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

function releaseContextManager(): void {
  if (--contextManagerUsers === 0) context.disable();
}
