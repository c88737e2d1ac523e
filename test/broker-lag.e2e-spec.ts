import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import { GroupOffsetsMonitor } from '../src/kafka/group-offsets-monitor.js';
import { KafkaBatchConsumer } from '../src/kafka/kafka-batch-consumer.js';
import { RiskwireMetrics } from '../src/metrics/riskwire-metrics.js';
import { createTopics, produce, testKafka, uniqueTopics } from './support/kafka-io.js';
import { until } from './support/service-metrics.js';

/** topic/partition -> value of one gauge of the registry. */
async function gaugeValues(metrics: RiskwireMetrics, name: string): Promise<Map<string, number>> {
  const metric = metrics.registry.getSingleMetric(name);
  const { values } = await metric!.get();
  return new Map(values.map((v) => [`${v.labels.topic}/${v.labels.partition}`, v.value]));
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * Lag read from the broker (committed offsets and log ends) on an interval, with a real broker and
 * the service's real consumer: it shows a stalled consumer's backlog, which the consumer's own
 * fetch-time lag cannot, and after a rebalance a pod reports lag only for partitions it still owns.
 */
describe('lag read from the broker', () => {
  let kafka: Kafka;
  const topics = uniqueTopics('lag');
  const consumers: KafkaBatchConsumer[] = [];
  const monitors: GroupOffsetsMonitor[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));

  beforeAll(async () => {
    kafka = testKafka();
    await createTopics(kafka, [topics.login, topics.transaction], 2);
  });

  afterAll(async () => {
    release();
    await Promise.all(monitors.map((m) => m.stop()));
    await Promise.all(consumers.map((c) => c.stop()));
  });

  const pod = (handler: () => Promise<void>, intervalMs = 300) => {
    const metrics = new RiskwireMetrics({ defaultMetrics: false });
    const consumer = new KafkaBatchConsumer(
      kafka,
      { groupId: topics.group, maxInFlight: 4, perKeyOrdering: false, retryMaxBackoffMs: 1000, commitIntervalMs: 100 },
      metrics,
    );
    const monitor = new GroupOffsetsMonitor(
      kafka,
      { groupId: topics.group, topics: [topics.login, topics.transaction], intervalMs },
      metrics,
      () => consumer.ownedPartitions,
    );
    consumers.push(consumer);
    monitors.push(monitor);
    return { metrics, consumer, monitor, start: () => consumer.start([topics.login, topics.transaction], handler) };
  };

  let first: ReturnType<typeof pod>;

  it('a stalled consumer: the interval readings show the backlog growing, and zero once it drains', async () => {
    // the handler hangs until released: 4 records in flight, fetching stops, nothing is committed
    first = pod(() => released);
    await first.start();
    first.monitor.start();
    await produce(
      kafka,
      topics.login,
      Array.from({ length: 40 }, (_, i) => ({ key: `acc-${i}`, value: `{"n":${i}}` })),
    );
    await until(async () => total(await gaugeValues(first.metrics, 'riskwire_kafka_group_lag')) === 40, 15_000, 'lag 40 from the broker');
    const logEnd = await gaugeValues(first.metrics, 'riskwire_kafka_log_end_offset');
    expect(total(logEnd)).toBe(40);
    // every partition of both input topics is reported, owned or not, with or without records
    expect([...logEnd.keys()].sort()).toEqual(
      [`${topics.login}/0`, `${topics.login}/1`, `${topics.transaction}/0`, `${topics.transaction}/1`].sort(),
    );
    // nothing committed yet: no committed-offset series rather than a made-up 0
    expect((await gaugeValues(first.metrics, 'riskwire_kafka_committed_offset')).size).toBe(0);

    // more input while stalled: the reading moves although the consumer fetches nothing
    await produce(kafka, topics.transaction, [
      { key: 'acc-x', value: '{}' },
      { key: 'acc-y', value: '{}' },
    ]);
    await until(async () => total(await gaugeValues(first.metrics, 'riskwire_kafka_group_lag')) === 42, 15_000, 'lag 42 while stalled');
    // this pod owns all four partitions: its own lag says the same
    expect(total(await gaugeValues(first.metrics, 'riskwire_consumer_lag'))).toBe(42);

    release();
    await until(async () => total(await gaugeValues(first.metrics, 'riskwire_kafka_group_lag')) === 0, 20_000, 'lag back to 0');
    expect(total(await gaugeValues(first.metrics, 'riskwire_kafka_committed_offset'))).toBe(42);
    expect(await first.metrics.kafkaOffsetReads.get()).toEqual(
      expect.objectContaining({ values: expect.arrayContaining([expect.objectContaining({ labels: { result: 'ok' } })]) }),
    );
  });

  it('after a rebalance each pod reports consumer lag only for the partitions it owns', async () => {
    const second = pod(() => Promise.resolve());
    await second.start();
    second.monitor.start();
    await until(
      () =>
        (first.consumer.ownedPartitions.size > 0 || false) &&
        countOwned(first.consumer) + countOwned(second.consumer) === 4 &&
        countOwned(second.consumer) > 0,
      30_000,
      'the four partitions split between two members',
    );
    // both read from the broker again after the rebalance
    await first.monitor.readOnce();
    await second.monitor.readOnce();
    const a = [...(await gaugeValues(first.metrics, 'riskwire_consumer_lag')).keys()];
    const b = [...(await gaugeValues(second.metrics, 'riskwire_consumer_lag')).keys()];
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.filter((tp) => b.includes(tp))).toEqual([]);
    expect([...a, ...b].sort()).toEqual(
      [`${topics.login}/0`, `${topics.login}/1`, `${topics.transaction}/0`, `${topics.transaction}/1`].sort(),
    );
    // the group view stays whole on both
    expect((await gaugeValues(first.metrics, 'riskwire_kafka_group_lag')).size).toBe(4);
    expect((await gaugeValues(second.metrics, 'riskwire_kafka_group_lag')).size).toBe(4);
  });
});

const countOwned = (c: KafkaBatchConsumer) => [...c.ownedPartitions.values()].reduce((n, ps) => n + ps.length, 0);
