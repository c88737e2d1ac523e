/**
 * `npm run demo`: the whole pipeline on built-in defaults. Starts (or reuses) a local Kafka broker,
 * the Network Signals simulator and the service, feeds a realistic mix of events, prints the
 * decisions as they arrive and a summary. Stops after --events N (default 200) or Ctrl-C.
 */
import 'reflect-metadata';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
import { groundTruth, sampleEvent, samplePopulation } from './lib/sample-events.js';
import type { ShadowDecision } from '../src/domain/decision.js';
import { defaultPolicyFile } from '../src/policy/policy-file.js';
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
// The demo shadows the example candidate policy: every event is also scored by it, on the same answers.
const candidatePolicy = join(dirname(defaultPolicyFile()), 'examples', 'candidate-policy.json');
process.env.SHADOW_POLICY_FILE ??= candidatePolicy;
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
const shadowTopic = config.policyLifecycle.topics.shadowDecisions;
const readTopics = [config.kafka.topics.decisions, config.kafka.topics.dlq, ...(config.policyLifecycle.shadowFile ? [shadowTopic] : [])];
// On a fresh broker a topic the service has just created may take a moment to appear in the metadata.
for (let attempt = 1; ; attempt++) {
  try {
    await reader.subscribe({ topics: readTopics, fromBeginning: false });
    break;
  } catch (error) {
    if (attempt >= 20 || (error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
    await new Promise((r) => setTimeout(r, 500));
  }
}

// This run's decisions and the fraud team's labels, also as JSON Lines: `npm run backtest -- --from-file` reads them
// even after the demo has stopped the broker it started.
const demoDir = '.demo';
mkdirSync(demoDir, { recursive: true });
for (const file of ['decisions.jsonl', 'labels.jsonl']) writeFileSync(join(demoDir, file), '');
const labelsPosted: Array<Promise<void>> = [];
let labelsAccepted = 0;
const labelCounts = { fraud: 0, legit: 0 };
/** The demo plays the fraud team: it labels every decided event with what the scenario says really happened. */
function label(eventId: string, event: Record<string, unknown>, phone: string): void {
  const body = { eventId, label: groundTruth(states[phone], event), labeledAt: new Date().toISOString(), source: 'demo-fraud-team' };
  labelCounts[body.label] += 1;
  appendFileSync(join(demoDir, 'labels.jsonl'), JSON.stringify(body) + '\n');
  labelsPosted.push(
    fetch(`http://127.0.0.1:${config.api.httpPort}/v1/labels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      (res) => void (res.status === 202 && (labelsAccepted += 1)),
      () => undefined,
    ),
  );
}
const shadowTransitions = new Map<string, number>();
let shadowDecisions = 0;
let shadowVersion = '';
const ours = new Set<string>();

const sent = new Map<string, { phone: string; at: number; event: Record<string, unknown> }>();
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
    if (topic === shadowTopic) {
      const shadow = body as ShadowDecision;
      if (!ours.has(shadow.eventId)) return;
      shadowDecisions += 1;
      shadowVersion = shadow.shadow.policyVersion;
      const key = `${shadow.live.outcome} -> ${shadow.shadow.outcome}`;
      if (shadow.live.outcome !== shadow.shadow.outcome) shadowTransitions.set(key, (shadowTransitions.get(key) ?? 0) + 1);
      return;
    }
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
      appendFileSync(join(demoDir, 'decisions.jsonl'), message.value?.toString() + '\n');
      label(d.eventId, origin.event, origin.phone);
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
  sent.set(event.eventId as string, { phone: event.phoneNumber as string, at: Date.now(), event });
  ours.add(event.eventId as string);
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
await withinTimeout(Promise.all(labelsPosted), 10000, () => undefined);
say(`labels posted to POST /v1/labels: ${labelsAccepted} accepted (${labelCounts.fraud} fraud, ${labelCounts.legit} legit)`);
if (config.policyLifecycle.shadowFile) {
  await new Promise((r) => setTimeout(r, 500)); // the last shadow decisions follow their live ones
  const changes = [...shadowTransitions.entries()].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  say(`shadow ${shadowVersion || '(none received)'}: ${shadowDecisions} shadow decisions, outcome changes: ${changes}`);
}
say(`decisions and labels of this run in ${demoDir}/; backtest the candidate on them (offline, no upstream call):`);
say(
  `  npm run backtest -- --policy policies/examples/candidate-policy.json --from-file ${demoDir}/decisions.jsonl --labels-file ${demoDir}/labels.jsonl`,
);

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
