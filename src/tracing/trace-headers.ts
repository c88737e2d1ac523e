import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { TraceCarrier } from './tracing.js';

/**
 * Reads one header of any transport: the first value of a list, a Buffer as UTF-8 (Kafka headers are bytes).
 * Names are matched as given: W3C trace context names are lower-case, as HTTP/2, gRPC and Node's HTTP give them;
 * Kafka header names are case-sensitive and producers following the W3C Kafka binding use lower case too.
 */
export const carrierGetter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const raw = carrier[key];
    const first = Array.isArray(raw) ? (raw as readonly (Buffer | string)[])[0] : (raw as Buffer | string | undefined);
    return first === undefined ? undefined : typeof first === 'string' ? first : first.toString('utf8');
  },
};

export const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
