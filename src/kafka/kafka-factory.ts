import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { KafkaSecurity } from '../config/connection-security.js';
import { kafkaConnectionOptions } from './kafka-security.js';

const logger = new Logger('Kafka');

// kafkajs talks a lot at INFO (joins, rebalances); we keep warnings and errors in our own logs.
function logCreator() {
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    const line = `${message} ${JSON.stringify({ broker: extra.broker, groupId: extra.groupId, error: extra.error })}`;
    if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
  };
}

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** TLS and SASL; PLAINTEXT when absent */
  security?: KafkaSecurity;
  /** tools and tests: kafkajs's own logging off, their own retry budget */
  quiet?: boolean;
  retry?: KafkaConfig['retry'];
  /** every kafkajs log entry, debug included, instead of our logs (the preflight reads causes kafkajs swallows) */
  onLog?: (entry: LogEntry) => void;
}

/** The one place a kafkajs client is built: the service, the demo, the benchmark and the tests' helpers. */
export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(options.security ? kafkaConnectionOptions(options.security) : {}),
    ...(options.onLog
      ? { logLevel: logLevel.DEBUG, logCreator: () => options.onLog! }
      : options.quiet
        ? { logLevel: logLevel.NOTHING }
        : { logLevel: logLevel.WARN, logCreator }),
    retry: options.retry ?? { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    connectionTimeout: 3000,
  });
}
