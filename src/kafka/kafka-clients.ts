import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { RiskwireMetrics } from '../metrics/riskwire-metrics.js';
import { GroupOffsetsMonitor, type GroupOffsetsMonitorOptions, type OwnedPartitions } from './group-offsets-monitor.js';
import { KafkaBatchConsumer, type BatchConsumerOptions } from './kafka-batch-consumer.js';
import { KAFKA } from './kafka.tokens.js';
import { ensureTopics } from './topic-admin.js';

/**
 * What the rest of the service gets from Kafka, in its own terms: a batch consumer and topics that
 * exist. The kafkajs client stays inside src/kafka (kafkajs is not actively maintained; swapping it
 * should touch this folder only).
 */
@Injectable()
export class KafkaClients {
  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  batchConsumer(options: BatchConsumerOptions, metrics: RiskwireMetrics): KafkaBatchConsumer {
    return new KafkaBatchConsumer(this.kafka, options, metrics);
  }

  /** Reads the group's lag from the broker on an interval (see GroupOffsetsMonitor). */
  groupOffsetsMonitor(options: GroupOffsetsMonitorOptions, metrics: RiskwireMetrics, owned: OwnedPartitions): GroupOffsetsMonitor {
    return new GroupOffsetsMonitor(this.kafka, options, metrics, owned);
  }

  /** Creates the topics that are missing (idempotent). */
  ensureTopics(topics: string[], partitions: number): Promise<void> {
    return ensureTopics(this.kafka, topics, partitions);
  }
}
