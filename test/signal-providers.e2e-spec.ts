import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Decision } from '../src/domain/decision.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { loginEvent } from './support/events.js';
import { TopicReader, createTopics, produce, serviceEnvFor, testKafka, uniqueTopics } from './support/kafka-io.js';
import { ServiceProcess } from './support/service-process.js';
import { metricValue } from './support/service-metrics.js';
import { SimulatorAdmin, hoursAgo } from './support/simulator-admin.js';

// Two simulator instances stand in for two networks, both speaking tyntec: German numbers go to "tyntec-de" with
// "tyntec-fr" as fallback, French numbers to "tyntec-fr". Each network knows its subscribers differently, so a
// decision shows which one answered, and so does its signals.<name>.provider.
type LoginEvent = ReturnType<typeof loginEvent>;

/** Produces the events to the login topic and waits for a decision of each; by event id. */
async function decideThroughKafka(kafka: Kafka, topic: string, decisions: TopicReader<Decision>, events: LoginEvent[]) {
  await produce(
    kafka,
    topic,
    events.map((e) => ({ key: e.accountId, value: JSON.stringify(e) })),
  );
  const ids = new Set(events.map((e) => e.eventId));
  await decisions.waitFor((records) => records.filter((r) => ids.has(r.value.eventId)).length === ids.size, 30_000, 'decisions');
  return new Map(decisions.records.filter((r) => ids.has(r.value.eventId)).map((r) => [r.value.eventId, r.value]));
}

/**
 * The service as a process on its own topics and a providers file; SIGNALS_BASE_URL points nowhere, so only the
 * file's providers can answer.
 */
async function startWithProviders(kafka: Kafka, dir: string, name: string, providers: object, env: Record<string, string>) {
  const providersFile = join(dir, 'providers.json');
  writeFileSync(providersFile, JSON.stringify(providers));
  const topics = uniqueTopics(name);
  await createTopics(kafka, [topics.login, topics.transaction, topics.decisions, topics.dlq], 3);
  const service = await new ServiceProcess(
    serviceEnvFor(topics, { baseUrl: 'http://127.0.0.1:9/nowhere', apiKey: 'unused' }, { SIGNAL_PROVIDERS_FILE: providersFile, ...env }),
  ).start();
  const decisions = await new TopicReader<Decision>(kafka, topics.decisions).start();
  return { topics, service, decisions };
}

const DE = (i: number) => `+49170555${String(1000 + i)}`;
const FR = (i: number) => `+33612${String(340000 + i)}`;

describe('signal providers: routing by country prefix and failover (real broker, two simulators, service as a process)', () => {
  let kafka: Kafka;
  let dir: string;
  let simDe: RunningSimulator;
  let simFr: RunningSimulator;
  let adminDe: SimulatorAdmin;
  let adminFr: SimulatorAdmin;
  let service: ServiceProcess;
  let decisions: TopicReader<Decision>;
  let topics: ReturnType<typeof uniqueTopics>;

  const decide = (events: LoginEvent[]) => decideThroughKafka(kafka, topics.login, decisions, events);

  beforeAll(async () => {
    kafka = testKafka();
    dir = mkdtempSync(join(tmpdir(), 'riskwire-providers-'));
    simDe = await startSimulator({ port: 0, apiKey: 'de-network-key' });
    simFr = await startSimulator({ port: 0, apiKey: 'fr-network-key' });
    adminDe = new SimulatorAdmin(simDe.url);
    adminFr = new SimulatorAdmin(simFr.url);
    // The secrets as an operator would give them: one from a mounted file, one from a variable the file names.
    writeFileSync(join(dir, 'fr-key'), 'fr-network-key\n');
    ({ topics, service, decisions } = await startWithProviders(
      kafka,
      dir,
      'providers',
      {
        providers: {
          'tyntec-de': { type: 'tyntec', baseUrl: simDe.baseUrl, apiKeyEnv: 'DE_NETWORK_KEY' },
          'tyntec-fr': { type: 'tyntec', baseUrl: simFr.baseUrl, apiKeyFile: join(dir, 'fr-key') },
        },
        routes: [
          { prefix: '+49', provider: 'tyntec-de', fallback: 'tyntec-fr' },
          { prefix: '+33', provider: 'tyntec-fr' },
        ],
      },
      { DE_NETWORK_KEY: 'de-network-key' },
    ));
  });

  afterAll(async () => {
    await decisions?.stop();
    await service?.kill('SIGTERM');
    await simDe?.close();
    await simFr?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers of two countries are asked of their own network, and every decision says which network answered', async () => {
    await adminDe.subscriber(DE(1), { simSwappedAt: hoursAgo(2) });
    await adminFr.subscriber(FR(1), { callForwardingActive: true });
    // The other network would say the opposite: a decision built from the wrong one would show it.
    await adminFr.subscriber(DE(1), { simSwappedAt: null });
    await adminDe.subscriber(FR(1), { callForwardingActive: false });
    const german = loginEvent(DE(1));
    const french = loginEvent(FR(1));
    const decided = await decide([german, french]);

    const de = decided.get(german.eventId)!;
    expect(de.degraded).toBe(false);
    expect(de.reasons.map((r) => r.code)).toContain('SIM_SWAP_LT_24H');
    for (const name of ['simSwap', 'deviceSwap', 'callForwarding'] as const)
      expect(de.signals[name]).toMatchObject({ status: 'OK', provider: 'tyntec-de' });

    const fr = decided.get(french.eventId)!;
    expect(fr.degraded).toBe(false);
    expect(fr.reasons.map((r) => r.code)).toEqual(['CALL_FORWARDING_ACTIVE']);
    for (const name of ['simSwap', 'deviceSwap', 'callForwarding'] as const)
      expect(fr.signals[name]).toMatchObject({ status: 'OK', provider: 'tyntec-fr' });

    // Each network was asked about its own number only (three checks each).
    expect((await adminDe.stats()).total).toBe(3);
    expect((await adminFr.stats()).total).toBe(3);

    // The HTTP API answers from the same routing and shows the provider too.
    const res = await fetch(`${service.httpUrl}/v1/assessments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(loginEvent(FR(2))),
    });
    expect(res.status).toBe(200);
    const viaHttp = (await res.json()) as Decision;
    expect(viaHttp.signals.callForwarding).toMatchObject({ status: 'OK', value: { active: false }, provider: 'tyntec-fr' });
  });

  it('when the primary network fails every request, its numbers are answered by the fallback within the deadline', async () => {
    await adminDe.faults({ errorRate: 1, errorStatus: 503 });
    await adminFr.subscriber(DE(2), { simSwappedAt: hoursAgo(3) });
    await adminFr.subscriber(DE(3), { callForwardingActive: true });
    const frBefore = (await adminFr.stats()).total;
    const events = [loginEvent(DE(2)), loginEvent(DE(3))];
    const decided = await decide(events);

    const swapped = decided.get(events[0].eventId)!;
    expect(swapped.degraded).toBe(false);
    expect(swapped.reasons.map((r) => r.code)).toContain('SIM_SWAP_LT_24H');
    const forwarded = decided.get(events[1].eventId)!;
    expect(forwarded.degraded).toBe(false);
    expect(forwarded.reasons.map((r) => r.code)).toContain('CALL_FORWARDING_ACTIVE');
    for (const decision of [swapped, forwarded]) {
      for (const name of ['simSwap', 'deviceSwap', 'callForwarding'] as const) {
        expect(decision.signals[name]).toMatchObject({ status: 'OK', provider: 'tyntec-fr' });
      }
    }
    // The primary was asked (and failed: 503) before each failover; the fallback answered all six checks.
    const deStats = await adminDe.stats();
    expect(JSON.stringify(deStats.byEndpoint)).toContain('503');
    expect((await adminFr.stats()).total - frBefore).toBe(6);
    expect(await metricValue(service.httpUrl, 'riskwire_signal_failovers_total', { provider: 'tyntec-de' })).toBeGreaterThanOrEqual(6);
    expect(await metricValue(service.httpUrl, 'riskwire_upstream_calls_total', { provider: 'tyntec-fr' })).toBeGreaterThanOrEqual(9);
  });

  it('a French number has no fallback: with its network down the decision is degraded, naming that network', async () => {
    await adminFr.faults({ errorRate: 1, errorStatus: 503 });
    const event = loginEvent(FR(3));
    const decision = (await decide([event])).get(event.eventId)!;
    expect(decision.degraded).toBe(true);
    expect(decision.signals.simSwap).toMatchObject({ status: 'UNAVAILABLE', provider: 'tyntec-fr' });
    await adminFr.faults({});
    await adminDe.faults({});
  });
});

describe('signal providers: a providers file the service cannot use stops it before it connects', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'riskwire-providers-bad-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const startWith = async (file: unknown): Promise<string> => {
    const path = join(dir, `providers-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(file));
    const started = new ServiceProcess({ KAFKA_BROKERS: '127.0.0.1:9', SIGNAL_PROVIDERS_FILE: path });
    try {
      await started.start(20_000);
    } catch (error) {
      return (error as Error).message;
    }
    await started.kill('SIGKILL');
    throw new Error('the service started');
  };

  it('names the JSON path of each mistake, exit code 2', async () => {
    const message = await startWith({
      providers: { 'camara-de': { type: 'camara', baseUrl: 'http://127.0.0.1:1/camara', clientId: 'riskwire', clientSecret: 's' } },
      routes: [{ prefix: '+49', provider: 'camara-de', fallback: 'tyntec' }],
    });
    expect(message).toContain('service exited with 2');
    expect(message).toContain('SIGNAL_PROVIDERS_FILE: providers.camara-de.tokenUrl: is required');
    expect(message).toContain('SIGNAL_PROVIDERS_FILE: routes[0].fallback: must name a provider of "providers"');
  });
});

// One simulator speaks both dialects from the same subscribers: German numbers go to its CAMARA paths (OAuth2,
// hours) through "camara-de" with tyntec as fallback, every other number to its tyntec paths (API key, minutes).
describe('signal providers: CAMARA and tyntec at once, routed by country (real broker, simulator, service as a process)', () => {
  let kafka: Kafka;
  let dir: string;
  let sim: RunningSimulator;
  let admin: SimulatorAdmin;
  let service: ServiceProcess;
  let decisions: TopicReader<Decision>;
  let topics: ReturnType<typeof uniqueTopics>;

  const decide = (events: LoginEvent[]) => decideThroughKafka(kafka, topics.login, decisions, events);

  beforeAll(async () => {
    kafka = testKafka();
    dir = mkdtempSync(join(tmpdir(), 'riskwire-camara-'));
    // Tokens live 2 s, so the stream below outlives several of them.
    sim = await startSimulator({ port: 0, camara: { tokenTtlS: 2 } });
    admin = new SimulatorAdmin(sim.url);
    ({ topics, service, decisions } = await startWithProviders(
      kafka,
      dir,
      'camara-routes',
      {
        providers: {
          tyntec: { type: 'tyntec', baseUrl: sim.baseUrl, apiKey: 'riskwire-dev-key' },
          'camara-de': {
            type: 'camara',
            baseUrl: sim.camara.baseUrl,
            tokenUrl: sim.camara.tokenUrl,
            clientId: 'riskwire',
            clientSecretEnv: 'CAMARA_DE_SECRET',
          },
        },
        routes: [
          { prefix: '+49', provider: 'camara-de', fallback: 'tyntec' },
          { prefix: '', provider: 'tyntec' },
        ],
      },
      { CAMARA_DE_SECRET: 'riskwire-dev-secret', SIGNAL_CACHE: 'off' },
    ));
  });

  afterAll(async () => {
    await decisions?.stop();
    await service?.kill('SIGTERM');
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the same subscriber state is decided the same way through CAMARA (hours) and tyntec (minutes)', async () => {
    const states = [
      {},
      { simSwappedAt: hoursAgo(2), callForwardingActive: true },
      { simSwappedAt: hoursAgo(23.5) },
      { simSwappedAt: hoursAgo(30), deviceSwappedAt: hoursAgo(3) },
      { deviceSwappedAt: hoursAgo(24 * 5) },
      { callForwardingActive: true },
    ];
    const pairs: [LoginEvent, LoginEvent][] = [];
    for (const [i, state] of states.entries()) {
      await admin.subscriber(DE(100 + i), state);
      await admin.subscriber(FR(100 + i), state);
      pairs.push([loginEvent(DE(100 + i)), loginEvent(FR(100 + i))]);
    }
    const decided = await decide(pairs.flat());
    const outcomes = new Set<string>();
    for (const [german, french] of pairs) {
      const de = decided.get(german.eventId)!;
      const fr = decided.get(french.eventId)!;
      expect(de.degraded).toBe(false);
      expect({ outcome: de.outcome, score: de.score, reasons: de.reasons.map((r) => r.code) }).toEqual({
        outcome: fr.outcome,
        score: fr.score,
        reasons: fr.reasons.map((r) => r.code),
      });
      for (const name of ['simSwap', 'deviceSwap', 'callForwarding'] as const) {
        expect(de.signals[name]).toMatchObject({ status: 'OK', provider: 'camara-de' });
        expect(fr.signals[name]).toMatchObject({ status: 'OK', provider: 'tyntec' });
      }
      outcomes.add(de.outcome);
    }
    // the states span the outcomes, so "the same" is not "everything ALLOW"
    expect(outcomes.size).toBeGreaterThanOrEqual(3);
    const byPath = JSON.stringify((await admin.stats()).byEndpoint);
    expect(byPath).toContain('/camara/sim-swap/v2/');
    expect(byPath).toContain('/camara/oauth2/token');
  });

  it('tokens expire mid-stream: no decision is degraded', async () => {
    const events: LoginEvent[] = [];
    for (let round = 0; round < 6; round++) {
      const batch = Array.from({ length: 5 }, (_, k) => loginEvent(DE(200 + round * 5 + k)));
      events.push(...batch);
      await produce(
        kafka,
        topics.login,
        batch.map((e) => ({ key: e.accountId, value: JSON.stringify(e) })),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const ids = new Set(events.map((e) => e.eventId));
    await decisions.waitFor((records) => records.filter((r) => ids.has(r.value.eventId)).length === ids.size, 30_000, 'decisions');
    const decided = decisions.records.filter((r) => ids.has(r.value.eventId)).map((r) => r.value);
    expect(decided.filter((d) => d.degraded).map((d) => d.signals)).toEqual([]);
    expect(decided.every((d) => d.signals.simSwap.provider === 'camara-de')).toBe(true);
    // 6 s of stream with 2 s tokens: renewed more than once
    expect(
      await metricValue(service.httpUrl, 'riskwire_signal_provider_token_requests_total', { provider: 'camara-de', outcome: 'ok' }),
    ).toBeGreaterThan(3);
  });

  it('when the CAMARA operator fails every request, German numbers are answered by tyntec', async () => {
    await admin.faults({ camara: { errorRate: 1, errorStatus: 503 } });
    try {
      await admin.subscriber(DE(300), { simSwappedAt: hoursAgo(1) });
      const event = loginEvent(DE(300));
      const decision = (await decide([event])).get(event.eventId)!;
      expect(decision.degraded).toBe(false);
      expect(decision.reasons.map((r) => r.code)).toContain('SIM_SWAP_LT_24H');
      for (const name of ['simSwap', 'deviceSwap', 'callForwarding'] as const)
        expect(decision.signals[name]).toMatchObject({ status: 'OK', provider: 'tyntec' });
      expect(await metricValue(service.httpUrl, 'riskwire_signal_failovers_total', { provider: 'camara-de' })).toBeGreaterThanOrEqual(3);
    } finally {
      await admin.faults({ camara: {} });
    }
  });
});
