import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decision } from '../src/domain/decision.js';
import { defaultPolicyFile } from '../src/policy/policy-file.js';
import { curl } from './support/curl.js';
import { loginEvent } from './support/events.js';
import { produce } from './support/kafka-io.js';
import { PipelineStack } from './support/pipeline-stack.js';
import { hoursAgo } from './support/simulator-admin.js';

const UPSTREAM_KEY = 'e2e-lists-upstream';
const ADMIN = 'lists-admin-secret';
const READER = 'lists-reader-secret';
const RISKY = '+491760000001'; // SIM swapped 2 h ago with call forwarding: DENY by the policy
const CLEAN = '+491760000002';
// a guard that engages after 10 decisions of which more than half are DENY, so a burst of 30 shows it
const GUARD = { windowSeconds: 600, maxDenyShare: 0.5, minDecisions: 10 };

/**
 * Lists, policy mode and the decline-rate guard against the real broker and the service as a process: lists and
 * the mode are managed with curl over HTTP, events go through Kafka, decisions are read from the decisions topic.
 * The tests run in order on one service (the guard counts every decision it makes).
 */
describe('lists, policy mode and decline-rate guard end to end', () => {
  let stack: PipelineStack;
  let dir: string;

  const decided = async (event: { eventId: string }): Promise<Decision> => {
    await stack.decisions.waitFor((rs) => rs.some((r) => r.value.eventId === event.eventId), 30_000, `decision of ${event.eventId}`);
    return stack.decisions.records.find((r) => r.value.eventId === event.eventId)!.value;
  };
  const send = async (...events: { eventId: string; accountId: string }[]) =>
    produce(
      stack.kafka,
      stack.topics.login,
      events.map((e) => ({ key: e.accountId, value: JSON.stringify(e) })),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'riskwire-lists-'));
    const policy = JSON.parse(readFileSync(defaultPolicyFile(), 'utf8')) as Record<string, unknown>;
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ ...policy, version: 'lists-e2e.1', declineRateGuard: GUARD }));
    stack = await PipelineStack.start({
      prefix: 'lists',
      upstreamKey: UPSTREAM_KEY,
      env: {
        SIGNAL_CACHE: 'off',
        POLICY_FILE: file,
        API_KEYS: `admin:${ADMIN}:admin,reader:${READER}:read`,
        LIST_HASH_SECRET: 'e2e-list-hash-secret-0123456789abcdef',
      },
      beforeService: async (admin) => {
        await admin.subscriber(RISKY, { simSwappedAt: hoursAgo(2), callForwardingActive: true });
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a deny entry added with curl turns the next event into DENY; deleted, it stops', async () => {
    const accountId = 'acc-listed-7';
    const before = loginEvent(CLEAN, { accountId });
    await send(before);
    expect((await decided(before)).outcome).toBe('ALLOW');

    const put = await curl('PUT', stack.url('/v1/lists/deny/entries'), {
      secret: ADMIN,
      body: { type: 'accountId', value: accountId, reason: 'chargeback ring', expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ list: 'deny', type: 'accountId', reason: 'chargeback ring', addedBy: 'admin' });
    expect(put.body.valueHashPrefix).toMatch(/^[0-9a-f]{12}$/);

    const listed = await curl('GET', stack.url('/v1/lists/deny/entries?page_size=10'), { secret: ADMIN });
    expect(listed.status).toBe(200);
    expect(listed.body.entries).toHaveLength(1);
    expect(listed.body.meta).toMatchObject({ count: 1, page_size: 10, page_number: 1, next_page_url: null });
    expect(JSON.stringify(listed.body)).not.toContain(accountId);

    const during = loginEvent(CLEAN, { accountId });
    await send(during);
    const denied = await decided(during);
    expect(denied.outcome).toBe('DENY');
    expect(denied.reasons.map((r) => r.code)).toContain('LIST_DENY_MATCH');
    expect(JSON.stringify(denied)).not.toContain('chargeback');

    const removed = await curl('DELETE', stack.url(`/v1/lists/deny/entries/accountId/${accountId}`), { secret: ADMIN });
    expect(removed.status).toBe(204);
    expect((await curl('DELETE', stack.url(`/v1/lists/deny/entries/accountId/${accountId}`), { secret: ADMIN })).status).toBe(404);

    const after = loginEvent(CLEAN, { accountId });
    await send(after);
    expect((await decided(after)).outcome).toBe('ALLOW');
  });

  it('the lists answer only the admin scope, and bad entries get per-field errors without the value', async () => {
    const forbidden = await curl('PUT', stack.url('/v1/lists/deny/entries'), { secret: READER, body: { type: 'accountId', value: 'x' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    const bad = await curl('PUT', stack.url('/v1/lists/block/entries'), {
      secret: ADMIN,
      body: { type: 'phoneNumber', value: '0170 1234567', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_ERROR');
    expect(bad.body.requestId).toEqual(expect.any(String));
    expect(bad.body.details.map((d: { field: string; code: string }) => [d.field, d.code])).toEqual([
      ['list', 'UNKNOWN_ENUM_VALUE'],
      ['value', 'INVALID_PHONENUMBER_FORMAT'],
      ['expiresAt', 'PARAMETER_INVALID'],
    ]);
    expect(JSON.stringify(bad.body)).not.toContain('1234567');
  });

  it('monitor mode publishes ALLOW with the policy outcome in proposedOutcome; enforce restores it', async () => {
    const set = await curl('PUT', stack.url('/v1/policy/mode'), { secret: ADMIN, body: { mode: 'monitor' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ mode: 'monitor', changedBy: 'admin', shared: false });
    expect(await metric('riskwire_policy_mode{mode="monitor"}')).toBe(1);

    const monitored = loginEvent(RISKY);
    await send(monitored);
    expect(await decided(monitored)).toMatchObject({ outcome: 'ALLOW', proposedOutcome: 'DENY' });

    expect((await curl('PUT', stack.url('/v1/policy/mode'), { secret: ADMIN, body: { mode: 'loud' } })).body.details).toEqual([
      expect.objectContaining({ field: 'mode', code: 'UNKNOWN_ENUM_VALUE' }),
    ]);
    expect((await curl('PUT', stack.url('/v1/policy/mode'), { secret: ADMIN, body: { mode: 'enforce' } })).status).toBe(200);
    const enforced = loginEvent(RISKY);
    await send(enforced);
    const decision = await decided(enforced);
    expect(decision.outcome).toBe('DENY');
    expect(decision).not.toHaveProperty('proposedOutcome');
  });

  it('under a burst of risky events the guard turns DENYs into REVIEW (DECLINE_RATE_GUARD) and its metric says so', async () => {
    const burst = Array.from({ length: 30 }, () => loginEvent(RISKY));
    await send(...burst);
    const outcomes = await Promise.all(burst.map(decided));
    const denies = outcomes.filter((d) => d.outcome === 'DENY');
    const reviews = outcomes.filter((d) => d.outcome === 'REVIEW');
    // 5 decisions came before the burst; the guard needs 10 in the window: at most 9 DENYs get through
    expect(denies.length + reviews.length).toBe(30);
    expect(denies.length).toBeLessThanOrEqual(9);
    expect(reviews.length).toBeGreaterThanOrEqual(21);
    for (const review of reviews) expect(review.reasons.at(-1)?.code).toBe('DECLINE_RATE_GUARD');
    expect(await metric('riskwire_decline_rate_guard_active')).toBe(1);
  });

  const metric = async (series: string): Promise<number> => {
    const text = await (await fetch(stack.url('/metrics'))).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return Number(line?.split(' ')[1]);
  };
});
