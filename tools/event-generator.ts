/**
 * The compose stack's event source: the demo's realistic mix of login and transaction events (some
 * numbers swapped, forwarded or unknown to the network, a poison record now and then), produced to the
 * input topics at a steady rate, forever or for --events N. With --simulator it first registers the
 * population's subscriber states in the Network Signals simulator, so the outcomes vary as in the demo.
 *
 *   node dist/tools/event-generator.js --rate 20 --simulator http://simulator:8090
 *
 * Brokers, topics and Kafka security come from the service's own variables (KAFKA_BROKERS, TOPIC_*,
 * KAFKA_SSL*, KAFKA_SASL_*), read through loadConfig.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Partitioners } from 'kafkajs';
import { loadConfig } from '../src/config/app-config.js';
import { createKafka } from '../src/kafka/kafka-factory.js';
import { samplePopulation, sampleEvent } from './lib/sample-events.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    events: { type: 'string', default: '0' },
    simulator: { type: 'string' },
    'poison-every': { type: 'string', default: '200' },
  },
});
const rate = Number(args.rate);
const total = Number(args.events);
const poisonEvery = Number(args['poison-every']);
if (!(rate > 0)) throw new Error('--rate must be a positive number of events per second');
if (!Number.isInteger(total) || total < 0) throw new Error('--events must be 0 (forever) or a positive integer');
if (!Number.isInteger(poisonEvery) || poisonEvery < 0) throw new Error('--poison-every must be 0 (never) or a positive integer');

const say = (line: string) => process.stdout.write(`[event-generator] ${line}\n`);
const config = loadConfig();
const { phones, states } = samplePopulation(120);

if (args.simulator) {
  const admin = args.simulator.replace(/\/+$/, '');
  for (const [phone, state] of Object.entries(states)) {
    const res = await fetch(`${admin}/_admin/subscribers/${encodeURIComponent(phone)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(state),
    });
    if (!res.ok) throw new Error(`simulator refused subscriber state: HTTP ${res.status}`);
  }
  say(`registered ${Object.keys(states).length} subscriber states in ${admin}`);
}

const kafka = createKafka({
  clientId: 'riskwire-event-generator',
  brokers: config.kafka.brokers,
  security: config.kafka.security,
  quiet: true,
});
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stopping = true));
say(`producing ${rate} events/s to ${config.kafka.topics.login} and ${config.kafka.topics.transaction}${total ? `, ${total} in all` : ''}`);

const started = Date.now();
let sent = 0;
for (let i = 0; !stopping && (total === 0 || i < total); i++) {
  const event = sampleEvent(phones, i);
  const topic = event.type === 'login' ? config.kafka.topics.login : config.kafka.topics.transaction;
  const messages = [{ key: String(event.accountId), value: JSON.stringify(event) }];
  if (poisonEvery > 0 && i % poisonEvery === poisonEvery - 1) messages.push({ key: `generator-poison-${i}`, value: '{"type":"login",' });
  await producer.send({ topic, messages });
  sent += messages.length;
  if (sent % 1000 < messages.length) say(`${sent} records sent`);
  // steady pace: sleep until this event's slot, whatever the send took
  const due = started + ((i + 1) * 1000) / rate;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
await producer.disconnect();
say(`stopped after ${sent} records`);
