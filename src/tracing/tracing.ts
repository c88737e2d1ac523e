/**
 * The tracing port: what the rest of riskwire asks of tracing, in its own terms, so that no feature imports
 * @opentelemetry. Two implementations: NOOP_TRACING (tracing off: nothing is allocated, no context manager) and
 * OtelTracing (the OpenTelemetry SDK, otel-tracing.ts). Callers check `enabled` before building a closure, so the
 * hot path costs one property read when tracing is off.
 */

/** Headers as each transport has them: Kafka (Buffer or string), HTTP (string or string[]), gRPC metadata. */
export type TraceCarrier = Readonly<Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>>;

export type SpanKindName = 'server' | 'client' | 'producer' | 'consumer' | 'internal';

/** Bounded values only: never a phone number, account or event id (spans leave the service). */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface SpanOptions {
  kind: SpanKindName;
  attributes?: SpanAttributes;
  /** a remote parent: its W3C traceparent/tracestate are honoured; otherwise the active span is the parent */
  parent?: TraceCarrier;
}

export interface TraceSpan {
  setAttributes(attributes: SpanAttributes): void;
  updateName(name: string): void;
  /** marks the span failed; `message` must be fit for a log line (no personal data) */
  fail(message: string): void;
}

/** A span its caller ends (an HTTP response ends on 'finish', not when a promise settles). */
export interface StartedSpan extends TraceSpan {
  /** runs `work` with this span active: whatever it starts, synchronously or not, is its child */
  run<T>(work: () => T): T;
  /**
   * Makes the span active in the listeners later added to `emitter` too: a request body read from the socket
   * ('data', 'end') otherwise runs in the socket's context, and what the handler starts would lose its parent.
   */
  bind<E extends NodeJS.EventEmitter>(emitter: E): E;
  end(): void;
}

export interface TraceIds {
  traceId: string;
  spanId: string;
}

export abstract class Tracing {
  abstract readonly enabled: boolean;
  /** Runs `work` in a new span, active while it runs; the span ends when `work` settles and fails if it rejects. */
  abstract inSpan<T>(name: string, options: SpanOptions, work: (span: TraceSpan) => Promise<T>): Promise<T>;
  abstract startSpan(name: string, options: SpanOptions): StartedSpan;
  /** The W3C headers (traceparent, and tracestate when there is one) of the active span; empty without one. */
  abstract traceHeaders(): Record<string, string>;
  /** Ids of the active span, for log lines and exemplars; undefined when there is none or it is not sampled. */
  abstract activeIds(): TraceIds | undefined;
  abstract shutdown(): Promise<void>;
}

const NOOP_SPAN: StartedSpan = {
  setAttributes: () => undefined,
  updateName: () => undefined,
  fail: () => undefined,
  run: (work) => work(),
  bind: (emitter) => emitter,
  end: () => undefined,
};
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

class NoopTracing extends Tracing {
  readonly enabled = false;
  inSpan<T>(_name: string, _options: SpanOptions, work: (span: TraceSpan) => Promise<T>): Promise<T> {
    return work(NOOP_SPAN);
  }
  startSpan(): StartedSpan {
    return NOOP_SPAN;
  }
  traceHeaders(): Record<string, string> {
    return NO_HEADERS;
  }
  activeIds(): TraceIds | undefined {
    return undefined;
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Tracing off: what a module gets when tracing is not configured (and what specs get without a TracingModule). */
export const NOOP_TRACING: Tracing = new NoopTracing();
