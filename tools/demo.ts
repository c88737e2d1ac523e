/**
 * `npm run demo`: the whole pipeline on built-in defaults. Starts (or reuses) a local Kafka broker,
 * the Network Signals simulator and the service, feeds a realistic mix of events, prints the
 * decisions as they arrive and a summary. Stops after --events N (default 200) or Ctrl-C.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Partitioners } from 'kafkajs';
import { startApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import type { Decision } from '../src/domain/decision.js';
import type { DeadLetter } from '../src/events/dead-letter.js';
import { createKafka } from '../src/kafka/kafka-factory.js';
import { startSimulator } from '../src/simulator/simulator-server.js';
import { maskPhoneNumber } from '../src/common/mask-phone-number.js';
import { ensureLocalBroker } from './lib/local-broker.js';
import { sampleEvent, samplePopulation } from './lib/sample-events.js';
import { withinTimeout } from '../src/common/within-timeout.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200' },
    rate: { type: 'string', default: '50' },
    quiet: { type: 'boolean', default: false },
  },
});
const total = Number(args.events);
const rate = Number(args.rate);
if (!Number.isInteger(total) || total < 1) throw new Error('--events must be a positive integer');
if (!(rate > 0)) throw new Error('--rate must be a positive number of events per second');

const t0 = Date.now();
const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);
const colour = { ALLOW: '\x1b[32m', CHALLENGE: '\x1b[33m', REVIEW: '\x1b[35m', DENY: '\x1b[31m' } as const;
const useColour = process.stdout.isTTY;

const broker = ensureLocalBroker(say);
process.env.KAFKA_BROKERS = broker.brokers;
process.env.LOG_LEVEL ??= 'warn';

const simulator = await startSimulator({ port: Number(process.env.SIMULATOR_PORT ?? 8090), faults: { latencyMs: { min: 20, max: 80 } } });
say(`Network Signals simulator on ${simulator.baseUrl} (20-80 ms latency)`);
process.env.SIGNALS_BASE_URL ??= simulator.baseUrl;
const config = loadConfig();
const app = await startApp(config);
say(
  `riskwire up: HTTP ${config.api.httpPort}, gRPC ${config.api.grpcPort}, topics ${config.kafka.topics.login} / ${config.kafka.topics.transaction} -> ${config.kafka.topics.decisions}`,
);

const { phones, states } = samplePopulation(120);
for (const [phone, state] of Object.entries(states)) simulator.registry.set(phone, state);

// the demo's own producer and reader connect with the service's settings (KAFKA_SSL*, KAFKA_SASL_*)
const kafka = createKafka({ clientId: 'riskwire-demo', brokers: broker.brokers.split(','), security: config.kafka.security, quiet: true });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
const reader = kafka.consumer({ groupId: `riskwire-demo-reader-${Date.now()}`, maxWaitTimeInMs: 50 });
await reader.connect();
await reader.subscribe({ topics: [config.kafka.topics.decisions, config.kafka.topics.dlq], fromBeginning: false });

const sent = new Map<string, { phone: string; at: number }>();
const outcomes: Record<string, number> = { ALLOW: 0, CHALLENGE: 0, REVIEW: 0, DENY: 0 };
const latencies: number[] = [];
let deadLetters = 0;
let degraded = 0;
let finished: () => void;
const allDone = new Promise<void>((resolve) => (finished = resolve));
const poisonEvery = 40;
let poisonSent = 0;

await reader.run({
  eachMessage: async ({ topic, message }) => {
    const body = JSON.parse(message.value?.toString() ?? 'null');
    if (topic === config.kafka.topics.dlq) {
      const letter = body as DeadLetter;
      if (!letter.source.key?.startsWith('demo-poison')) return;
      deadLetters += 1;
      say(
        `DEAD-LETTER ${letter.error.code.padEnd(22)} from ${letter.source.topic}/${letter.source.partition}@${letter.source.offset}: ${letter.error.message}`,
      );
    } else {
      const d = body as Decision;
      const origin = sent.get(d.eventId);
      if (!origin) return; // an earlier run's decision
      sent.delete(d.eventId);
      outcomes[d.outcome] += 1;
      if (d.degraded) degraded += 1;
      latencies.push(Date.now() - origin.at);
      if (!args.quiet) {
        const tag = useColour ? `${colour[d.outcome]}${d.outcome.padEnd(9)}\x1b[0m` : d.outcome.padEnd(9);
        const reasons = d.reasons.map((r) => `${r.code}(+${r.points})`).join(' ') || '-';
        const avoid = d.avoidOtpChannels.length ? ` avoid=${d.avoidOtpChannels.join(',')}` : '';
        say(
          `${tag} score=${String(d.score).padStart(3)} ${d.eventType.padEnd(11)} ${d.accountId.padEnd(8)} ${maskPhoneNumber(origin.phone)} ${reasons}${avoid}${d.degraded ? ' [degraded]' : ''}`,
        );
      }
    }
    const decided = Object.values(outcomes).reduce((a, b) => a + b, 0);
    if (decided + deadLetters >= total + poisonSent && sentAll) finished();
  },
});

let stopping = false;
let sentAll = false;
process.once('SIGINT', () => {
  say('Ctrl-C: stopping');
  stopping = true;
  finished();
});

// Lists (issue 12): one account on the deny list and one on the watch list, through the HTTP API as an analyst would
// (no restart); their decisions below carry LIST_DENY_MATCH / LIST_WATCH_MATCH. The entries expire after 10 minutes.
await demoListEntries(`http://127.0.0.1:${config.api.httpPort}`, say);

const interval = 1000 / rate;
for (let i = 0; i < total && !stopping; i++) {
  const event = sampleEvent(phones, i);
  const topic = event.type === 'login' ? config.kafka.topics.login : config.kafka.topics.transaction;
  sent.set(event.eventId as string, { phone: event.phoneNumber as string, at: Date.now() });
  const messages = [{ key: event.accountId as string, value: JSON.stringify(event) }];
  if (i % poisonEvery === poisonEvery - 1) {
    poisonSent += 1;
    messages.push({
      key: `demo-poison-${i}`,
      value: i % 2 ? '{"eventId": "cut-off' : JSON.stringify({ ...event, eventId: `bad-${i}`, phoneNumber: '0170-NOT-E164' }),
    });
  }
  await producer.send({ topic, acks: -1, messages });
  await new Promise((r) => setTimeout(r, interval));
}
sentAll = true;
const decidedNow = Object.values(outcomes).reduce((a, b) => a + b, 0);
if (decidedNow + deadLetters >= total + poisonSent) finished!();
await withinTimeout(allDone, 30000, () => undefined);

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
const decided = Object.values(outcomes).reduce((a, b) => a + b, 0);
say('──────── summary ────────');
say(
  `events sent ${total}, decisions ${decided} (${Object.entries(outcomes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}), degraded ${degraded}`,
);
say(`dead letters ${deadLetters} of ${poisonSent} poison messages`);
say(`produce-to-decision latency p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms`);
say(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s (including broker start)`);
if (sent.size > 0) say(`${sent.size} events still without a decision when the demo stopped`);

await reader.disconnect();
await producer.disconnect();
await app.close();
await simulator.close();
broker.stop();
process.exit(sent.size > 0 && !stopping ? 1 : 0);

async function demoListEntries(baseUrl: string, log: (line: string) => void): Promise<void> {
  const expiresAt = new Date(Date.now() + 10 * 60_000).toISOString();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (process.env.DEMO_ADMIN_KEY) headers.authorization = `Bearer ${process.env.DEMO_ADMIN_KEY}`;
  for (const [list, accountId, reason] of [
    ['deny', 'acc-7', 'demo: confirmed account takeover'],
    ['watch', 'acc-11', 'demo: disputed a payment last week'],
  ] as const) {
    const res = await fetch(`${baseUrl}/v1/lists/${list}/entries`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ type: 'accountId', value: accountId, expiresAt, reason }),
    }).catch(() => undefined);
    log(
      res?.ok
        ? `${list} list: ${accountId} added (PUT /v1/lists/${list}/entries, ${res.status}); stored only as a keyed hash`
        : `${list} list: could not add ${accountId} (${res ? res.status : 'no answer'}; with API_KEYS set, give an admin key in DEMO_ADMIN_KEY)`,
    );
  }
}
