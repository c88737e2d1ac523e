import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Decision } from '../src/domain/decision.js';
import { findTool } from './ops/ops-tools.js';
import { loginEvent } from './support/events.js';
import { produce } from './support/kafka-io.js';
import { SPAN_KIND, OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { PipelineStack } from './support/pipeline-stack.js';
import { freePort } from './support/ports.js';
import { hoursAgo } from './support/simulator-admin.js';

const execFileAsync = promisify(execFile);
const UPSTREAM_KEY = 'tracing-upstream-key';

const newTraceId = () => randomBytes(16).toString('hex');
const newSpanId = () => randomBytes(8).toString('hex');
const one = (spans: ReceivedSpan[], predicate: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan => {
  const found = spans.filter(predicate);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}: ${JSON.stringify(spans.map((s) => s.name))}`);
  return found[0];
};

/**
 * One event followed through a trace: the built service (tracing on through the standard OTEL_* variables, the
 * default OTLP/HTTP protobuf exporter) against the real broker and the simulator, exporting to a real OTLP
 * receiver on 127.0.0.1 that decodes what the official exporter sends.
 */
describe('tracing end to end (real broker, OTLP receiver, service as a process)', () => {
  let receiver: OtlpReceiver;
  let stack: PipelineStack;
  const phone = '+491709990001';

  beforeAll(async () => {
    receiver = await new OtlpReceiver().start();
    stack = await PipelineStack.start({
      prefix: 'tracing',
      upstreamKey: UPSTREAM_KEY,
      partitions: 1,
      env: { SIGNAL_CACHE: 'off', LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'riskwire-e2e' },
      beforeService: (admin) => admin.subscriber(phone, { simSwappedAt: hoursAgo(2), callForwardingActive: true }).then(() => undefined),
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('an event sent with a traceparent comes back on its decision with the same trace, and its spans reach the receiver linked', async () => {
    const traceId = newTraceId();
    const producerSpanId = newSpanId();
    const event = loginEvent(phone);
    await produce(stack.kafka, stack.topics.login, [
      {
        key: event.accountId,
        value: JSON.stringify(event),
        headers: { traceparent: `00-${traceId}-${producerSpanId}-01`, tracestate: 'bank=payments' },
      },
    ]);
    await stack.decisions.waitFor((r) => r.some((d) => d.value.eventId === event.eventId), 30_000, 'the decision');
    const record = stack.decisions.records.find((d) => d.value.eventId === event.eventId)!;
    const decision: Decision = record.value;
    expect(decision.outcome).toBe('DENY');

    // the decision continues the event's trace, its tracestate included
    const [, decisionTraceId, decisionParentId, flags] = record.headers.traceparent.split('-');
    expect(decisionTraceId).toBe(traceId);
    expect(flags).toBe('01');
    expect(record.headers.tracestate).toBe('bank=payments');
    expect(record.headers['riskwire-decision-id']).toBe(decision.decisionId);

    // consume, three upstream calls (a login asks all three signals), publish
    await receiver.waitFor((s) => s.filter((x) => x.traceId === traceId).length >= 5, 20_000, 'the spans of the event');
    const spans = receiver.trace(traceId);
    const consume = one(spans, (s) => s.kind === SPAN_KIND.consumer, 'consumer span');
    expect(consume).toMatchObject({ service: 'riskwire-e2e', name: `process ${stack.topics.login}`, parentSpanId: producerSpanId });
    expect(consume.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': stack.topics.login,
      'messaging.consumer.group.name': stack.topics.group,
      'riskwire.event.id': event.eventId,
      'riskwire.decision.id': decision.decisionId,
      'riskwire.decision.outcome': 'DENY',
    });

    const upstream = spans.filter((s) => s.kind === SPAN_KIND.client);
    expect(upstream.map((s) => s.attributes['riskwire.signal.name']).sort()).toEqual(['callForwarding', 'deviceSwap', 'simSwap']);
    for (const call of upstream) {
      expect(call.parentSpanId).toBe(consume.spanId);
      expect(call.attributes).toMatchObject({ 'riskwire.signal.provider': 'tyntec', 'riskwire.signal.status': 'OK' });
      expect(['check', 'retrieve-date']).toContain(call.attributes['riskwire.signal.endpoint']);
    }

    const publish = one(spans, (s) => s.kind === SPAN_KIND.producer, 'producer span');
    expect(publish).toMatchObject({ name: `send ${stack.topics.decisions}`, parentSpanId: consume.spanId });
    // the decision's traceparent names the publishing span: a consumer of decisions continues from there
    expect(decisionParentId).toBe(publish.spanId);

    // the phone number is on no span, in no form
    expect(JSON.stringify(spans)).not.toMatch(/1709990001/);
    expect(receiver.contentTypes.every((t) => t === 'application/x-protobuf')).toBe(true);
  });

  it('a dead-lettered record is traced too: the letter carries its trace, and so does the log line about it', async () => {
    const traceId = newTraceId();
    await produce(stack.kafka, stack.topics.login, [
      { key: 'k', value: '{"eventId": "broken", ', headers: { traceparent: `00-${traceId}-${newSpanId()}-01` } },
    ]);
    await receiver.waitFor((s) => s.some((x) => x.traceId === traceId), 20_000, 'the dead letter span');
    const consume = one(receiver.trace(traceId), (s) => s.kind === SPAN_KIND.consumer, 'consumer span');
    expect(consume.attributes['riskwire.dead_letter.code']).toBe('MALFORMED_JSON');
    await stack.deadLetters.waitFor((r) => r.some((l) => l.headers.traceparent?.includes(traceId)), 20_000, 'the dead letter');
    const letter = stack.deadLetters.records.find((l) => l.headers.traceparent?.includes(traceId))!;
    expect(letter.headers.traceparent).toBe(`00-${traceId}-${consume.spanId}-01`);
    expect(letter.value.error.code).toBe('MALFORMED_JSON');
    const line = stack.service.output
      .join('')
      .split('\n')
      .find((l) => l.includes(`"trace_id":"${traceId}"`));
    expect(line).toContain('dead letter MALFORMED_JSON');
    expect(line).toContain(`"span_id":"${consume.spanId}"`);
  });

  it('an HTTP assessment with a traceparent is a server span of that trace, parent of its upstream calls', async () => {
    const traceId = newTraceId();
    const callerSpanId = newSpanId();
    const body = JSON.stringify(loginEvent(phone));
    const { stdout } = await execFileAsync('curl', [
      '-sS',
      '-H',
      'Content-Type: application/json',
      '-H',
      `traceparent: 00-${traceId}-${callerSpanId}-01`,
      '--data-binary',
      body,
      '-w',
      '\n%{http_code}',
      stack.url('/v1/assessments'),
    ]);
    expect(stdout.trim().split('\n').pop()).toBe('200');
    await receiver.waitFor((s) => s.filter((x) => x.traceId === traceId).length >= 4, 20_000, 'the spans of the request');
    const spans = receiver.trace(traceId);
    const server = one(spans, (s) => s.kind === SPAN_KIND.server, 'server span');
    expect(server).toMatchObject({ name: 'POST /v1/assessments', parentSpanId: callerSpanId });
    expect(server.attributes).toMatchObject({ 'http.route': '/v1/assessments', 'http.response.status_code': 200 });
    const upstream = spans.filter((s) => s.kind === SPAN_KIND.client);
    expect(upstream).toHaveLength(3);
    for (const call of upstream) expect(call.parentSpanId).toBe(server.spanId);
  });

  it('a gRPC Assess with traceparent metadata (grpcurl) is a server span of that trace', async () => {
    const traceId = newTraceId();
    const callerSpanId = newSpanId();
    const request = {
      event_id: `grpc-${Date.now()}`,
      occurred_at: new Date().toISOString(),
      account_id: 'acc-grpc',
      phone_number: phone,
      login: { channel: 'web' },
    };
    await execFileAsync(findTool('grpcurl'), [
      '-plaintext',
      '-H',
      `traceparent: 00-${traceId}-${callerSpanId}-01`,
      '-d',
      JSON.stringify(request),
      `127.0.0.1:${stack.service.grpcPort}`,
      'riskwire.v1.RiskService/Assess',
    ]);
    await receiver.waitFor((s) => s.filter((x) => x.traceId === traceId).length >= 4, 20_000, 'the spans of the call');
    const spans = receiver.trace(traceId);
    const server = one(spans, (s) => s.kind === SPAN_KIND.server, 'server span');
    expect(server).toMatchObject({ name: 'riskwire.v1.RiskService/Assess', parentSpanId: callerSpanId });
    expect(server.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.method': 'Assess', 'rpc.grpc.status_code': 0 });
    for (const call of spans.filter((s) => s.kind === SPAN_KIND.client)) expect(call.parentSpanId).toBe(server.spanId);
  });

  it('the latency histograms carry exemplars of sampled traces in OpenMetrics; the text format is unchanged', async () => {
    const openMetrics = await fetch(stack.url('/metrics'), { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(openMetrics.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const om = await openMetrics.text();
    expect(om.endsWith('# EOF\n')).toBe(true);
    const exemplar =
      /riskwire_decision_latency_seconds_bucket\{[^}]*source="kafka"\} \d+ # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\}/.exec(
        om,
      );
    expect(exemplar).not.toBeNull();
    // it points to a trace the receiver has: a consume span of this run
    const linked = receiver.spans.find((s) => s.traceId === exemplar![1] && s.spanId === exemplar![2]);
    expect(linked?.kind).toBe(SPAN_KIND.consumer);
    expect(om).toMatch(/riskwire_signal_request_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"/);
    expect(om).toMatch(/riskwire_http_request_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"/);

    const text = await fetch(stack.url('/metrics'));
    expect(text.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const body = await text.text();
    expect(body).not.toContain('trace_id');
    expect(body).toContain('# TYPE riskwire_decisions_total counter');

    // probes and scrapes are not traced: only the requests made above are server spans
    expect(receiver.spans.filter((s) => s.kind === SPAN_KIND.server).map((s) => s.name)).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/health|metrics/)]),
    );
  });

  it('a real Prometheus scrapes the OpenMetrics exposition and stores its exemplars, which point to the traces', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'riskwire-exemplars-'));
    const port = await freePort();
    const promUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(workDir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: riskwire\n    static_configs:\n      - targets: ['${stack.service.httpUrl.replace('http://', '')}']\n`,
    );
    // Prometheus asks for OpenMetrics first in its Accept header: the service answers with it while tracing is on
    const prometheus = spawn(
      findTool('prometheus'),
      [
        `--config.file=${join(workDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(workDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--enable-feature=exemplar-storage',
      ],
      { stdio: 'ignore' },
    );
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Prometheus's JSON API, read field by field
      const api = async (path: string) => (await (await fetch(`${promUrl}${path}`)).json()) as { status: string; data: any };
      for (
        let attempt = 0;
        !(await fetch(`${promUrl}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ));
        attempt++
      ) {
        if (attempt > 150) throw new Error('Prometheus did not get ready');
        await new Promise((r) => setTimeout(r, 200));
      }
      // a fresh decision after Prometheus is up, so its exemplar is in a scrape it takes
      const traceId = newTraceId();
      const event = loginEvent('+491709990002');
      await produce(stack.kafka, stack.topics.login, [
        { key: event.accountId, value: JSON.stringify(event), headers: { traceparent: `00-${traceId}-${newSpanId()}-01` } },
      ]);
      await stack.decisions.waitFor((r) => r.some((d) => d.value.eventId === event.eventId), 30_000, 'the decision');
      let exemplars: { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string> }[] }[] = [];
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const now = Date.now() / 1000;
        const answer = await api(
          `/api/v1/query_exemplars?query=${encodeURIComponent('riskwire_decision_latency_seconds_bucket')}&start=${now - 600}&end=${now + 60}`,
        );
        exemplars = answer.data ?? [];
        if (exemplars.some((series) => series.exemplars.some((e) => e.labels.trace_id === traceId))) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(exemplars.flatMap((series) => series.exemplars.map((e) => e.labels.trace_id))).toContain(traceId);
      // the scrape itself is healthy and the counters keep their names
      const up = await api(`/api/v1/query?query=${encodeURIComponent('up{job="riskwire"}')}`);
      expect(up.data.result[0].value[1]).toBe('1');
      const decided = await api(`/api/v1/query?query=${encodeURIComponent('riskwire_decisions_total{source="kafka"}')}`);
      expect(decided.data.result.length).toBeGreaterThan(0);
    } finally {
      prometheus.kill('SIGTERM');
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
