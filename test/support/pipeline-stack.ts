import type { Kafka } from 'kafkajs';
import type { Decision } from '../../src/domain/decision.js';
import type { DeadLetter } from '../../src/events/dead-letter.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server.js';
import { TopicReader, createTopicsWith, serviceEnvFor, testKafka, uniqueTopics } from './kafka-io.js';
import { ServiceProcess } from './service-process.js';
import { SimulatorAdmin } from './simulator-admin.js';

export type TopicRole = 'login' | 'transaction' | 'decisions' | 'dlq';
export interface TopicSettings {
  partitions?: number;
  config?: Record<string, string>;
}

export interface PipelineStackOptions {
  /** names this test's topics and consumer group */
  prefix: string;
  /** the upstream key the simulator expects and the service sends */
  upstreamKey: string;
  /** partitions of every topic */
  partitions?: number;
  /** per topic, partitions and topic configuration other than the default (e.g. one partition for the input) */
  topicSettings?: Partial<Record<TopicRole, TopicSettings>>;
  /** service variables beyond its topics and simulator */
  env?: Record<string, string>;
  /** read the decisions and dead-letter topics with kafkajs (default true) */
  readers?: boolean;
  /** runs after the simulator is up and before the service starts (e.g. to set subscribers) */
  beforeService?: (admin: SimulatorAdmin) => Promise<void>;
}

/**
 * What most end-to-end tests stand on: the simulator in-process, fresh topics on the test broker, the
 * built service as a child process, and readers of its decisions and dead letters. `stop` undoes it.
 */
export class PipelineStack {
  readonly kafka: Kafka = testKafka();
  readonly topics: ReturnType<typeof uniqueTopics>;
  simulator!: RunningSimulator;
  admin!: SimulatorAdmin;
  service!: ServiceProcess;
  decisions!: TopicReader<Decision>;
  deadLetters!: TopicReader<DeadLetter>;

  private constructor(private readonly options: PipelineStackOptions) {
    this.topics = uniqueTopics(options.prefix);
  }

  static async start(options: PipelineStackOptions): Promise<PipelineStack> {
    const stack = new PipelineStack(options);
    await stack.up();
    return stack;
  }

  private async up(): Promise<void> {
    const { upstreamKey, partitions = 3, topicSettings = {}, env = {}, readers = true, beforeService } = this.options;
    this.simulator = await startSimulator({ port: 0, apiKey: upstreamKey });
    this.admin = new SimulatorAdmin(this.simulator.url);
    await beforeService?.(this.admin);
    const roles: TopicRole[] = ['login', 'transaction', 'decisions', 'dlq'];
    await createTopicsWith(
      this.kafka,
      roles.map((role) => ({
        topic: this.topics[role],
        partitions: topicSettings[role]?.partitions ?? partitions,
        config: topicSettings[role]?.config,
      })),
    );
    this.service = await new ServiceProcess(
      serviceEnvFor(this.topics, { baseUrl: this.simulator.baseUrl, apiKey: upstreamKey }, env),
    ).start();
    if (readers) await this.startReaders();
  }

  /** Fresh readers of the decisions and dead-letter topics, from their beginning (after stopReaders, or without `readers`). */
  async startReaders(): Promise<void> {
    this.decisions = await new TopicReader<Decision>(this.kafka, this.topics.decisions).start();
    this.deadLetters = await new TopicReader<DeadLetter>(this.kafka, this.topics.dlq).start();
  }

  /** Stops the readers, e.g. before the broker goes away (they would only retry against it meanwhile). */
  async stopReaders(): Promise<void> {
    // In teardown a reader that cannot stop cleanly (its broker gone) must not hide the test's own failure.
    await Promise.all([this.decisions?.stop(), this.deadLetters?.stop()].map((p) => p?.catch(() => undefined)));
  }

  /** `${service.httpUrl}${path}` */
  url(path: string): string {
    return `${this.service.httpUrl}${path}`;
  }

  /** Undoes start; `signal` SIGKILL for a service whose clean drain the test does not need. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stopReaders();
    await this.service?.kill(signal);
    await this.simulator?.close();
  }
}
