import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { BatchingProducer } from './batching-producer.js';
import { KafkaClients } from './kafka-clients.js';
import { createKafka } from './kafka-factory.js';
import { KAFKA } from './kafka.tokens.js';

/**
 * The Kafka client and the one shared producer (decisions and dead letters share its batches). Outside
 * src/kafka, the client is reached through KafkaClients, so no other folder needs kafkajs types.
 */
@Global()
@Module({
  providers: [
    {
      provide: KAFKA,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => createKafka({ brokers: c.kafka.brokers, clientId: c.kafka.clientId, security: c.kafka.security }),
    },
    {
      provide: BatchingProducer,
      inject: [KAFKA, APP_CONFIG, RiskwireMetrics],
      useFactory: (kafka: Kafka, c: AppConfig, metrics: RiskwireMetrics) =>
        new BatchingProducer(kafka, {
          maxBatchBytes: c.kafkaResilience.producerMaxBatchBytes,
          onSplit: () => metrics.producerBatchSplits.inc(),
          onConnection: (connected) => metrics.kafkaUp.set({ client: 'producer' }, connected ? 1 : 0),
        }),
    },
    KafkaClients,
  ],
  exports: [KafkaClients, BatchingProducer],
})
export class KafkaModule implements OnApplicationShutdown {
  constructor(@Inject(BatchingProducer) private readonly producer: BatchingProducer) {}

  // Runs after the consumer has drained (EventsModule stops it in beforeApplicationShutdown).
  async onApplicationShutdown() {
    await this.producer.disconnect();
  }
}
