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

  const decide = async (events: ReturnType<typeof loginEvent>[]): Promise<Map<string, Decision>> => {
    await produce(
      kafka,
      topics.login,
      events.map((e) => ({ key: e.accountId, value: JSON.stringify(e) })),
    );
    const ids = new Set(events.map((e) => e.eventId));
    await decisions.waitFor((records) => records.filter((r) => ids.has(r.value.eventId)).length === ids.size, 30_000, 'decisions');
    return new Map(decisions.records.filter((r) => ids.has(r.value.eventId)).map((r) => [r.value.eventId, r.value]));
  };

  beforeAll(async () => {
    kafka = testKafka();
    dir = mkdtempSync(join(tmpdir(), 'riskwire-providers-'));
    simDe = await startSimulator({ port: 0, apiKey: 'de-network-key' });
    simFr = await startSimulator({ port: 0, apiKey: 'fr-network-key' });
    adminDe = new SimulatorAdmin(simDe.url);
    adminFr = new SimulatorAdmin(simFr.url);
    // The secrets as an operator would give them: one from a mounted file, one from a variable the file names.
    writeFileSync(join(dir, 'fr-key'), 'fr-network-key\n');
    const providersFile = join(dir, 'providers.json');
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: {
          'tyntec-de': { type: 'tyntec', baseUrl: simDe.baseUrl, apiKeyEnv: 'DE_NETWORK_KEY' },
          'tyntec-fr': { type: 'tyntec', baseUrl: simFr.baseUrl, apiKeyFile: join(dir, 'fr-key') },
        },
        routes: [
          { prefix: '+49', provider: 'tyntec-de', fallback: 'tyntec-fr' },
          { prefix: '+33', provider: 'tyntec-fr' },
        ],
      }),
    );
    topics = uniqueTopics('providers');
    await createTopics(kafka, [topics.login, topics.transaction, topics.decisions, topics.dlq], 3);
    // SIGNALS_BASE_URL points nowhere: with the file, only the file's providers are asked.
    service = await new ServiceProcess(
      serviceEnvFor(
        topics,
        { baseUrl: 'http://127.0.0.1:9/nowhere', apiKey: 'unused' },
        { SIGNAL_PROVIDERS_FILE: providersFile, DE_NETWORK_KEY: 'de-network-key' },
      ),
    ).start();
    decisions = await new TopicReader<Decision>(kafka, topics.decisions).start();
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

  it('a valid camara entry: "provider type camara is not available in this build" until its factory is wired', async () => {
    const message = await startWith({
      providers: {
        'camara-de': {
          type: 'camara',
          baseUrl: 'http://127.0.0.1:1/camara',
          tokenUrl: 'http://127.0.0.1:1/camara/oauth2/token',
          clientId: 'riskwire',
          clientSecret: 'riskwire-dev-secret',
        },
      },
      routes: [{ prefix: '', provider: 'camara-de' }],
    });
    expect(message).toContain('service exited with 2');
    expect(message).toContain('SIGNAL_PROVIDERS_FILE: providers.camara-de: provider type camara is not available in this build');
  });
});
