import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { backoffMs, WakeableSleeps } from '../kafka/backoff.js';
import { BatchingProducer } from '../kafka/batching-producer.js';
import type { ConsumerState, KafkaBatchConsumer } from '../kafka/kafka-batch-consumer.js';
import { KafkaClients } from '../kafka/kafka-clients.js';
import { isAuthFailure } from '../kafka/kafka-errors.js';
import { KafkaAccessError, preflightKafka } from '../kafka/kafka-preflight.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { EventPipeline } from './event-pipeline.js';
import { withinTimeout } from '../common/within-timeout.js';

/**
 * Owns the consumer's life: join after the app is up, drain before the producer goes away. Kafka
 * being unreachable at start does not stop the service (the HTTP and gRPC API do not need it): the
 * start is retried in the background, and liveness fails if it takes too long. Wrong credentials or
 * missing ACLs do stop it, with the reason.
 */
@Injectable()
export class EventConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventConsumerService.name);
  private readonly consumer: KafkaBatchConsumer;
  private readonly startSleeps = new WakeableSleeps();
  private starting?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly kafka: KafkaClients,
    private readonly producer: BatchingProducer,
    private readonly pipeline: EventPipeline,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: RiskwireMetrics,
  ) {
    this.consumer = kafka.batchConsumer(
      {
        groupId: config.kafka.groupId,
        maxInFlight: config.kafka.maxInFlight,
        perKeyOrdering: config.kafka.perKeyOrdering,
        retryMaxBackoffMs: config.kafkaResilience.retryMaxBackoffMs,
      },
      metrics,
    );
  }

  get consumerReady(): boolean {
    return this.consumer.ready;
  }

  get producerReady(): boolean {
    return this.producer.ready;
  }

  get consumerState(): ConsumerState {
    return this.consumer.state;
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.startKafka();
    } catch (error) {
      if (error instanceof KafkaAccessError ? error.permanent : isAuthFailure(error)) {
        if (error instanceof KafkaAccessError) throw error;
        throw new Error(`Kafka refused riskwire's credentials or permissions at start: ${(error as Error).message}`, { cause: error });
      }
      this.logger.error(
        `Kafka is not available at start (${(error as Error).message}); the API serves meanwhile and the consumer keeps trying`,
      );
      this.starting = this.retryStart();
    }
  }

  private async startKafka(): Promise<void> {
    const { topics } = this.config.kafka;
    await preflightKafka(this.config); // a wrong password or a missing ACL stops the start, naming the cause
    if (this.config.kafka.createTopics) {
      const lifecycle = this.config.policyLifecycle;
      const extra = [lifecycle.topics.labels, ...(lifecycle.shadowFile ? [lifecycle.topics.shadowDecisions] : [])];
      await this.kafka.ensureTopics(
        [topics.login, topics.transaction, topics.decisions, topics.dlq, ...extra],
        this.config.kafka.topicPartitions,
      );
    }
    await this.producer.connect();
    await this.consumer.start([topics.login, topics.transaction], this.pipeline.handle);
    this.logger.log(
      `consuming ${topics.login}, ${topics.transaction} as group ${this.config.kafka.groupId} (max ${this.config.kafka.maxInFlight} in flight)`,
    );
  }

  private async retryStart(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      await this.startSleeps.sleep(backoffMs(attempt, 1000, this.config.kafkaResilience.retryMaxBackoffMs));
      if (this.stopping) return;
      try {
        await this.startKafka();
        return;
      } catch (error) {
        this.logger.error(`Kafka start failed again (attempt ${attempt + 2}): ${(error as Error).message}`);
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.startSleeps.wakeAll();
    const bound = this.config.kafka.shutdownTimeoutMs;
    const drain = async () => {
      await this.starting;
      await this.consumer.stop();
      return 'drained' as const;
    };
    const outcome = await withinTimeout(drain(), bound, () => 'timeout' as const);
    if (outcome === 'timeout') this.logger.warn(`consumer did not drain within ${bound} ms; uncommitted events will be redelivered`);
    else this.logger.log('consumer drained and offsets committed');
  }
}
