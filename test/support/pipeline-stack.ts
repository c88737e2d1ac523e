import type { Kafka } from 'kafkajs';
import type { Decision } from '../../src/domain/decision.js';
import type { DeadLetter } from '../../src/events/dead-letter.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server.js';
import { TopicReader, createTopics, serviceEnvFor, testKafka, uniqueTopics } from './kafka-io.js';
import { ServiceProcess } from './service-process.js';
import { SimulatorAdmin } from './simulator-admin.js';

export interface PipelineStackOptions {
  /** names this test's topics and consumer group */
  prefix: string;
  /** the upstream key the simulator expects and the service sends */
  upstreamKey: string;
  /** partitions of every topic */
  partitions?: number;
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
    const { upstreamKey, partitions = 3, env = {}, readers = true, beforeService } = this.options;
    this.simulator = await startSimulator({ port: 0, apiKey: upstreamKey });
    this.admin = new SimulatorAdmin(this.simulator.url);
    await beforeService?.(this.admin);
    const { login, transaction, decisions, dlq } = this.topics;
    await createTopics(this.kafka, [login, transaction, decisions, dlq], partitions);
    this.service = await new ServiceProcess(
      serviceEnvFor(this.topics, { baseUrl: this.simulator.baseUrl, apiKey: upstreamKey }, env),
    ).start();
    if (readers) {
      this.decisions = await new TopicReader<Decision>(this.kafka, decisions).start();
      this.deadLetters = await new TopicReader<DeadLetter>(this.kafka, dlq).start();
    }
  }

  /** `${service.httpUrl}${path}` */
  url(path: string): string {
    return `${this.service.httpUrl}${path}`;
  }

  async stop(): Promise<void> {
    await this.decisions?.stop();
    await this.deadLetters?.stop();
    await this.service?.kill('SIGTERM');
    await this.simulator?.close();
  }
}
