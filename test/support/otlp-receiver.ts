import { createServer, type Server } from 'node:http';
import protobuf from 'protobufjs';
import { freePort } from './ports.js';

/**
 * The part of the official OTLP trace schema a receiver needs (opentelemetry-proto, opentelemetry/proto/
 * collector/trace/v1/trace_service.proto, trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto),
 * field numbers as published; fields we do not read (events, links, flags, times) are skipped by the decoder.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5;
  int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9;
  Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; bytes bytes_value = 7; }
}
`;
const ExportTraceServiceRequest = protobuf.parse(OTLP_TRACE_PROTO).root.lookupType('otlp.ExportTraceServiceRequest');

/** OTLP SpanKind */
export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message: string };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded protobuf and OTLP/JSON, read field by field */
const hex = (bytes: any): string =>
  typeof bytes === 'string' ? bytes : Buffer.from((bytes as Uint8Array | undefined) ?? []).toString('hex');

function valueOf(value: any): string | number | boolean {
  if (value?.stringValue !== undefined) return value.stringValue as string;
  if (value?.boolValue !== undefined) return value.boolValue as boolean;
  if (value?.intValue !== undefined) return Number(value.intValue);
  if (value?.doubleValue !== undefined) return Number(value.doubleValue);
  return '';
}

const attributesOf = (list: any[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key as string, valueOf(kv.value)]));

/** Flattens an ExportTraceServiceRequest, decoded from protobuf or parsed from OTLP/JSON (hex ids), into spans. */
function spansOf(request: any): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs: any) => {
    const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
    return (rs.scopeSpans ?? []).flatMap((ss: any) =>
      (ss.spans ?? []).map((span: any): ReceivedSpan => ({
        service,
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        traceState: span.traceState ?? '',
        name: span.name,
        kind: Number(span.kind ?? 0),
        attributes: attributesOf(span.attributes),
        status: { code: Number(span.status?.code ?? 0), message: span.status?.message ?? '' },
      })),
    );
  });
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * A minimal OTLP/HTTP trace receiver on 127.0.0.1: POST /v1/traces in application/x-protobuf (the exporters'
 * default) or application/json, answered 200 with an empty ExportTraceServiceResponse, as a collector does.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes: string[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const type = String(req.headers['content-type'] ?? '');
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        const body = Buffer.concat(chunks);
        try {
          const request = type.startsWith('application/json')
            ? (JSON.parse(body.toString('utf8')) as unknown)
            : ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), { longs: String });
          this.contentTypes.push(type);
          this.spans.push(...spansOf(request));
        } catch {
          res.writeHead(400).end();
          return;
        }
        if (type.startsWith('application/json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  async waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs: number, what: string): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this.spans)) {
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.spans.length} spans)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
