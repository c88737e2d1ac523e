import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { BatchingProducer } from '../kafka/batching-producer.js';
import { KafkaBatchConsumer } from '../kafka/kafka-batch-consumer.js';
import { KAFKA } from '../kafka/kafka.module.js';
import { preflightKafka } from '../kafka/kafka-preflight.js';
import { ensureTopics } from '../kafka/topic-admin.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { EventPipeline } from './event-pipeline.js';

/** Owns the consumer's life: join after the app is up, drain before the producer goes away. */
@Injectable()
export class EventConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventConsumerService.name);
  private readonly consumer: KafkaBatchConsumer;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly producer: BatchingProducer,
    private readonly pipeline: EventPipeline,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: RiskwireMetrics,
  ) {
    this.consumer = new KafkaBatchConsumer(
      kafka,
      { groupId: config.kafka.groupId, maxInFlight: config.kafka.maxInFlight, perKeyOrdering: config.kafka.perKeyOrdering },
      metrics,
    );
  }

  get consumerReady(): boolean {
    return this.consumer.ready;
  }

  get producerReady(): boolean {
    return this.producer.ready;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { topics } = this.config.kafka;
    await preflightKafka(this.config); // a wrong password or a missing ACL stops the start, naming the cause
    if (this.config.kafka.createTopics) {
      await ensureTopics(this.kafka, [topics.login, topics.transaction, topics.decisions, topics.dlq], this.config.kafka.topicPartitions);
    }
    await this.producer.connect();
    await this.consumer.start([topics.login, topics.transaction], this.pipeline.handle);
    this.logger.log(`consuming ${topics.login}, ${topics.transaction} as group ${this.config.kafka.groupId} (max ${this.config.kafka.maxInFlight} in flight)`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const bound = this.config.kafka.shutdownTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), bound)));
    const outcome = await Promise.race([this.consumer.stop().then(() => 'drained' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.logger.warn(`consumer did not drain within ${bound} ms; uncommitted events will be redelivered`);
    else this.logger.log('consumer drained and offsets committed');
  }
}
