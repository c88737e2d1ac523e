import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Kafka } from 'kafkajs';
import type { Decision, ShadowDecision } from '../src/domain/decision.js';
import type { BacktestResult } from '../tools/backtest/backtest-analysis.js';
import { curl } from './support/curl.js';
import { loginEvent } from './support/events.js';
import { TopicReader, createTopics, produce, testBrokers } from './support/kafka-io.js';
import { PipelineStack } from './support/pipeline-stack.js';
import { metricValue, until } from './support/service-metrics.js';
import { hoursAgo } from './support/simulator-admin.js';

const execFileAsync = promisify(execFile);
const backtestJs = fileURLToPath(new URL('../dist/tools/backtest/backtest.js', import.meta.url));
const defaultPolicyText = readFileSync(fileURLToPath(new URL('../policies/default-policy.json', import.meta.url)), 'utf8');
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const schema = (name: string) =>
  ajv.compile(JSON.parse(readFileSync(fileURLToPath(new URL(`../schemas/${name}`, import.meta.url)), 'utf8')) as object);
const decisionSchema = schema('decision.v1.schema.json');
const shadowSchema = schema('shadow-decision.v1.schema.json');

const UPSTREAM_KEY = 'lifecycle-upstream-key';
const SECRETS = { admin: 'lifecycle-admin-secret', labeller: 'lifecycle-label-secret', assessor: 'lifecycle-assess-secret' };
const API_KEYS = `admin:${SECRETS.admin}:admin|read:kafka,labeller:${SECRETS.labeller}:label,assessor:${SECRETS.assessor}:assess`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- policies are edited field by field as an analyst would
type PolicyJson = Record<string, any>;
const policy = (version: string, edit: (json: PolicyJson) => void = () => undefined): string => {
  const json = JSON.parse(defaultPolicyText) as PolicyJson;
  json.version = version;
  edit(json);
  return JSON.stringify(json, null, 2);
};
/** The live policy does not ask the device-swap question on logins; the shadow (the default checks) would. */
const livePolicy = (version: string) => policy(version, (j) => delete j.checks.login.deviceSwap);
/** The candidate an analyst shadows: a SIM swap 1-7 days old weighs 60 (REVIEW) instead of 35 (CHALLENGE). */
const shadowPolicy = policy('shadow-1', (j) => (j.signals.simSwap.bands[1].points = 60));

const phones = { clean: '+491740000001', takenOver: '+491740000002', swapped3d: '+491740000003', forwarded: '+491740000004' };

/**
 * The policy lifecycle against the real broker and the built service: the policy file is a Kubernetes ConfigMap
 * mount (policy.json -> ..data/policy.json, ..data -> a timestamped folder), updated the way the kubelet does it.
 */
describe('policy lifecycle: hot reload, shadow on the same answers, labels and a backtest (real broker, service as a process)', () => {
  let stack: PipelineStack;
  let kafka: Kafka;
  let dir: string;
  let shadows: TopicReader<ShadowDecision>;
  let generation = 0;
  const topicsExtra = { shadow: '', labels: '' };

  /** A ConfigMap update: a new timestamped folder, then ..data swapped to it by one rename. */
  function publishConfigMap(text: string): void {
    generation += 1;
    const folder = `..2026_12_01_${String(generation).padStart(2, '0')}`;
    mkdirSync(join(dir, folder));
    writeFileSync(join(dir, folder, 'policy.json'), text);
    symlinkSync(folder, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  }

  const decisionsFor = (ids: Set<string>) => stack.decisions.records.filter((r) => ids.has(r.value.eventId));
  async function decide(events: Array<Record<string, unknown>>, paceMs = 0): Promise<Set<string>> {
    for (const e of events) {
      await produce(kafka, stack.topics.login, [{ key: e.accountId as string, value: JSON.stringify(e) }]);
      if (paceMs) await new Promise((r) => setTimeout(r, paceMs));
    }
    const ids = new Set(events.map((e) => e.eventId as string));
    await stack.decisions.waitFor(() => new Set(decisionsFor(ids).map((r) => r.value.eventId)).size === ids.size, 60_000, 'decisions');
    return ids;
  }
  const mix = (n: number) => Array.from({ length: n }, (_, i) => loginEvent(Object.values(phones)[i % 4]!));
  const policyStatus = async () => (await curl('GET', stack.url('/v1/policy'), { secret: SECRETS.admin })).body;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'riskwire-lifecycle-'));
    publishConfigMap(livePolicy('live-1'));
    symlinkSync('..data/policy.json', join(dir, 'policy.json'));
    writeFileSync(join(dir, 'shadow.json'), shadowPolicy);
    const id = `lifecycle-${Date.now()}`;
    topicsExtra.shadow = `${id}.shadow`;
    topicsExtra.labels = `${id}.labels`;
    stack = await PipelineStack.start({
      prefix: 'lifecycle',
      upstreamKey: UPSTREAM_KEY,
      env: {
        API_KEYS,
        SIGNAL_CACHE: 'off', // every decision pays its own calls: the simulator's count is exact
        POLICY_FILE: join(dir, 'policy.json'),
        SHADOW_POLICY_FILE: join(dir, 'shadow.json'),
        POLICY_RELOAD: 'watch',
        POLICY_RELOAD_POLL_MS: '1000',
        TOPIC_SHADOW_DECISIONS: topicsExtra.shadow,
        TOPIC_LABELS: topicsExtra.labels,
      },
      beforeService: async (admin) => {
        await admin.subscriber(phones.clean, {});
        await admin.subscriber(phones.takenOver, { simSwappedAt: hoursAgo(2), callForwardingActive: true });
        await admin.subscriber(phones.swapped3d, { simSwappedAt: hoursAgo(72) });
        await admin.subscriber(phones.forwarded, { callForwardingActive: true });
      },
    });
    kafka = stack.kafka;
    await createTopics(kafka, [topicsExtra.shadow, topicsExtra.labels], 3);
    shadows = await new TopicReader<ShadowDecision>(kafka, topicsExtra.shadow).start();
  });

  afterAll(async () => {
    await shadows?.stop();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /v1/policy shows the live and shadow versions with content hashes, to the admin scope only', async () => {
    const status = await policyStatus();
    expect(status).toMatchObject({
      live: { version: 'live-1', contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), file: join(dir, 'policy.json') },
      shadow: { version: 'shadow-1', contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      reload: { mode: 'watch', pollMs: 1000 },
    });
    const forbidden = await curl('GET', stack.url('/v1/policy'), { secret: SECRETS.labeller });
    expect(forbidden).toMatchObject({ status: 403, body: { code: 'FORBIDDEN', requestId: expect.any(String) } });
    expect((await curl('GET', stack.url('/v1/policy'))).status).toBe(401);
    expect(await metricValue(stack.service.httpUrl, 'riskwire_policy_info', { role: 'live', version: 'live-1' })).toBe(1);
    expect(await metricValue(stack.service.httpUrl, 'riskwire_policy_info', { role: 'shadow', version: 'shadow-1' })).toBe(1);
  });

  it('scores the shadow on the same answers with zero extra upstream calls, and says which signal it lacked', async () => {
    await stack.admin.reset();
    for (const [phone, state] of [
      [phones.clean, {}],
      [phones.takenOver, { simSwappedAt: hoursAgo(2), callForwardingActive: true }],
      [phones.swapped3d, { simSwappedAt: hoursAgo(72) }],
      [phones.forwarded, { callForwardingActive: true }],
    ] as const) {
      await stack.admin.subscriber(phone, state);
    }
    const counter = (name: string, labels: Record<string, string> = {}) => metricValue(stack.service.httpUrl, name, labels);
    const lookups = async () =>
      (await counter('riskwire_signal_lookups_total', { source: 'upstream' })) +
      (await counter('riskwire_signal_lookups_total', { source: 'coalesced' }));
    const [lookupsBefore, paidBefore] = [await lookups(), await counter('riskwire_upstream_calls_total')];
    const ids = await decide(mix(20));
    await shadows.waitFor((rs) => rs.filter((r) => ids.has(r.value.eventId)).length === 20, 30_000, 'shadow decisions');
    const decided = decisionsFor(ids).map((r) => r.value);
    const shadowed = shadows.records.filter((r) => ids.has(r.value.eventId)).map((r) => r.value);

    // the live policy asks SIM swap and call forwarding for a login: two questions per event (an identical question
    // already in flight shares its call), and every call the upstream saw is one of those: nothing for the shadow
    expect((await lookups()) - lookupsBefore).toBe(20 * 2);
    const paid = (await counter('riskwire_upstream_calls_total')) - paidBefore;
    const stats = await stack.admin.stats();
    expect(stats.total).toBe(paid);
    expect(paid).toBeGreaterThan(0);
    expect(paid).toBeLessThanOrEqual(20 * 2);
    // the shadow wants the device swap, which the live policy never asks for a login: not one such call
    expect(Object.keys(stats.byEndpoint).filter((path) => path.includes('device-swap'))).toEqual([]);
    expect(decided.every((d) => d.signals.deviceSwap.status === 'SKIPPED')).toBe(true);

    for (const s of shadowed) {
      expect(shadowSchema(s)).toBe(true);
      const live = decided.find((d) => d.eventId === s.eventId)!;
      expect(s).toMatchObject({
        decisionId: live.decisionId,
        live: { outcome: live.outcome, score: live.score, policyVersion: 'live-1' },
        shadow: { policyVersion: 'shadow-1', degraded: true },
        unfetchedSignals: ['deviceSwap'],
      });
    }
    // a 3-day SIM swap: CHALLENGE live, REVIEW under the candidate
    expect(shadowed.filter((s) => s.live.outcome === 'CHALLENGE' && s.shadow.outcome === 'REVIEW').length).toBeGreaterThanOrEqual(5);
    expect(await metricValue(stack.service.httpUrl, 'riskwire_shadow_outcome_transitions_total')).toBeGreaterThanOrEqual(20);
    expect(
      await metricValue(stack.service.httpUrl, 'riskwire_shadow_unfetched_signals_total', { signal: 'deviceSwap' }),
    ).toBeGreaterThanOrEqual(20);
    // decisions carry their evidence and still meet their schema
    for (const d of decided) {
      expect(decisionSchema(d)).toBe(true);
      expect(d.evidence).toEqual({ occurredAt: expect.any(String), channel: 'web' });
      expect(JSON.stringify(d)).not.toContain('491740000');
    }
  });

  it('a ConfigMap update under a running service: decisions switch version, nothing lost, none decided twice', async () => {
    const before = mix(12);
    const after = mix(12);
    const producing = (async () => {
      for (const e of before) {
        await produce(kafka, stack.topics.login, [{ key: e.accountId as string, value: JSON.stringify(e) }]);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    publishConfigMap(livePolicy('live-2'));
    await producing;
    await until(async () => (await policyStatus()).live.version === 'live-2', 15_000, 'live-2 in force');
    const hashes = await policyStatus();
    const ids = new Set([...before, ...after].map((e) => e.eventId as string));
    await decide(after);
    await stack.decisions.waitFor(() => decisionsFor(ids).length >= ids.size, 30_000, 'every decision');
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would arrive by now

    const records = decisionsFor(ids);
    expect(records).toHaveLength(ids.size); // one decision per event: none lost, none decided twice
    expect(new Set(records.map((r) => r.value.eventId)).size).toBe(ids.size);
    const versionOf = (e: Record<string, unknown>) => records.find((r) => r.value.eventId === e.eventId)!.value.policyVersion;
    expect(after.map(versionOf)).toEqual(after.map(() => 'live-2'));
    // an event is decided under one version or the other, whole; the first ones, decided before the swap, under live-1
    expect(before.map(versionOf).every((v) => v === 'live-1' || v === 'live-2')).toBe(true);
    expect(versionOf(before[0]!)).toBe('live-1');
    expect(hashes.live.contentHash).not.toBe(hashes.shadow.contentHash);
    expect(await metricValue(stack.service.httpUrl, 'riskwire_policy_info', { role: 'live', version: 'live-2' })).toBe(1);
    expect(await metricValue(stack.service.httpUrl, 'riskwire_policy_info', { role: 'live', version: 'live-1' })).toBe(0);
    expect(await metricValue(stack.service.httpUrl, 'riskwire_policy_reloads_total', { role: 'live' })).toBe(1);
  });

  it('an invalid file is rejected: the old version keeps serving, the failure is logged and counted', async () => {
    const failures = () => metricValue(stack.service.httpUrl, 'riskwire_policy_reload_failures_total', { role: 'live' });
    expect(await failures()).toBe(0);
    publishConfigMap(policy('live-3-broken', (j) => (j.thresholds.deny = 150)));
    await until(async () => (await failures()) === 1, 15_000, 'the rejected reload counted');
    const ids = await decide(mix(8));
    expect(decisionsFor(ids).map((r) => r.value.policyVersion)).toEqual([...ids].map(() => 'live-2'));
    expect((await policyStatus()).live.version).toBe('live-2');
    expect(stack.service.output.join('')).toMatch(
      /live policy file rejected, version live-2 keeps serving: .*thresholds\.deny: must be <= 100/,
    );
    await new Promise((r) => setTimeout(r, 2500)); // two polls of the same bad bytes: still one failure
    expect(await failures()).toBe(1);
    publishConfigMap(livePolicy('live-2')); // rolled back to the bytes in force: nothing to swap
    await new Promise((r) => setTimeout(r, 1500));
    expect(await metricValue(stack.service.httpUrl, 'riskwire_policy_reloads_total', { role: 'live' })).toBe(1);
  });

  it('labels are validated, published and counted; a backtest over the decisions topic measures policies against them', async () => {
    const decided = stack.decisions.records.map((r) => r.value);
    const truth = (d: Decision) => (phoneOf(d) === phones.takenOver || phoneOf(d) === phones.forwarded ? 'fraud' : 'legit');
    let labelled = 0;
    for (const d of decided) {
      const answer = await curl('POST', stack.url('/v1/labels'), {
        secret: SECRETS.labeller,
        body: { eventId: d.eventId, label: truth(d), labeledAt: new Date().toISOString(), source: 'e2e-analyst' },
      });
      expect(answer).toMatchObject({ status: 202, body: { topic: topicsExtra.labels } });
      labelled += 1;
    }
    const bad = await curl('POST', stack.url('/v1/labels'), { secret: SECRETS.labeller, body: { eventId: 'e', label: 'maybe' } });
    expect(bad).toMatchObject({
      status: 400,
      body: {
        code: 'VALIDATION_ERROR',
        details: expect.arrayContaining([{ field: 'label', code: 'UNKNOWN_ENUM_VALUE', message: expect.any(String) }]),
      },
    });
    expect((await curl('POST', stack.url('/v1/labels'), { secret: SECRETS.assessor, body: {} })).status).toBe(403);
    expect(await metricValue(stack.service.httpUrl, 'riskwire_labels_total')).toBe(labelled);
    expect(await metricValue(stack.service.httpUrl, 'riskwire_labels_total', { label: 'fraud', outcome: 'DENY' })).toBe(
      decided.filter((d) => phoneOf(d) === phones.takenOver).length,
    );
    expect(await metricValue(stack.service.httpUrl, 'riskwire_labels_total', { label: 'fraud', outcome: 'ALLOW' })).toBe(0);

    const statsBefore = (await stack.admin.stats()).total;
    const run = async (policyFile: string, out: string) => {
      await execFileAsync(process.execPath, [
        backtestJs,
        '--policy',
        policyFile,
        '--from-topic',
        stack.topics.decisions,
        '--labels-topic',
        topicsExtra.labels,
        '--brokers',
        testBrokers().join(','),
        '--out',
        join(dir, out),
      ]);
      return JSON.parse(readFileSync(join(dir, out, 'backtest.json'), 'utf8')) as BacktestResult;
    };
    // the shadow policy, backtested: the same verdicts the shadow gave live, from the records alone
    const shadowRun = await run(join(dir, 'shadow.json'), 'shadow');
    expect(shadowRun.input).toMatchObject({ decisions: decided.length, duplicates: 0, noEvidence: 0 });
    const shadowOutcomes = { ALLOW: 0, CHALLENGE: 0, REVIEW: 0, DENY: 0 };
    for (const s of shadows.records) shadowOutcomes[s.value.shadow.outcome] += 1;
    expect(shadows.records).toHaveLength(decided.length);
    expect(shadowRun.outcomes.candidate).toEqual(shadowOutcomes);
    expect(shadowRun.labels).toMatchObject({ matched: decided.length });
    expect(shadowRun.labels!.fraud).toBe(decided.filter((d) => truth(d) === 'fraud').length);
    // the forwarded number alone is CHALLENGE under both: fraud is not let through, and DENY catches only the take-overs
    expect(shadowRun.labels!.current.fraudLetThroughShare).toBe(0);
    expect(shadowRun.labels!.candidate.measures.DENY.precision).toBe(1);
    expect(shadowRun.transitions.CHALLENGE.REVIEW).toBe(decided.filter((d) => phoneOf(d) === phones.swapped3d).length);
    // the live policy backtested against itself changes nothing
    writeFileSync(join(dir, 'live-2.json'), livePolicy('live-2'));
    const identity = await run(join(dir, 'live-2.json'), 'identity');
    expect(identity.changed).toBe(0);
    expect(readFileSync(join(dir, 'shadow', 'backtest.html'), 'utf8')).toMatch(/<svg [\s\S]*Outcome transitions/);
    expect((await stack.admin.stats()).total).toBe(statsBefore); // offline: not one upstream call
  });
});

/** The test knows its phones by the decision's answers (the decision itself carries no phone number). */
function phoneOf(d: Decision): string {
  const sim = d.signals.simSwap.value as { latestChange?: string | null } | undefined;
  const forwarding = (d.signals.callForwarding.value as { active?: boolean } | undefined)?.active === true;
  const swapped = sim?.latestChange ? (Date.parse(d.decidedAt) - Date.parse(sim.latestChange)) / 3600_000 : undefined;
  if (swapped !== undefined && swapped < 24 && forwarding) return phones.takenOver;
  if (swapped !== undefined) return phones.swapped3d;
  if (forwarding) return phones.forwarded;
  return phones.clean;
}
