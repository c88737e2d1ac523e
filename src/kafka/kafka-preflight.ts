import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { AppConfig } from '../config/app-config.js';
import { createKafka } from './kafka-factory.js';
import { explainKafkaError } from './kafka-security.js';
import { ensureTopics } from './topic-admin.js';

/** A start-up check failed: the message names the cause and the setting or ACL that fixes it. */
export class KafkaAccessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaAccessError';
  }
}

type Role = 'input' | 'output';

const isType = (error: unknown, type: string) => (error as { type?: string } | undefined)?.type === type;

/**
 * Fails the start, naming the cause, when riskwire cannot work with its cluster: wrong credentials,
 * an untrusted certificate, a topic or group it may not use, a topic that is missing and may not be
 * created. Without it those surface as a consumer that crashes and restarts, or a producer that
 * retries, forever. Kafka hides from a principal the topics it may not DESCRIBE, so that is what
 * the topic check sees; READ and WRITE themselves are only exercised by the first fetch and produce.
 */
export async function preflightKafka(config: AppConfig): Promise<void> {
  const { topics, groupId, brokers, security, createTopics, topicPartitions, clientId } = config.kafka;
  // A client of its own, quiet: the probes expect errors (a missing topic) that kafkajs would log as such.
  // kafkajs reports a denied group as "Failed to find group coordinator"; the real answer is only in its debug log.
  let groupDenied = false;
  const kafka: Kafka = createKafka({
    brokers,
    clientId,
    security,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
    onLog: ({ log }) => {
      if (isType(log.error, 'GROUP_AUTHORIZATION_FAILED')) groupDenied = true;
    },
  });
  const principal = security.sasl ? `User:${security.sasl.username}` : 'the client principal';
  const explained = (error: unknown, doing: string) =>
    new KafkaAccessError(explainKafkaError(error, security, brokers) ?? `Kafka ${doing} failed: ${(error as Error).message}`, { cause: error });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw explained(error, `connecting to ${brokers.join(',')}`);
  }
  try {
    let visible: Set<string>;
    try {
      visible = new Set(await admin.listTopics());
    } catch (error) {
      throw explained(error, `listing topics on ${brokers.join(',')}`);
    }
    const needed: [string, string, Role][] = [
      [topics.login, 'TOPIC_LOGIN', 'input'],
      [topics.transaction, 'TOPIC_TRANSACTION', 'input'],
      [topics.decisions, 'TOPIC_DECISIONS', 'output'],
      [topics.dlq, 'TOPIC_DLQ', 'output'],
    ];
    const missing: string[] = [];
    for (const [topic, variable, role] of needed) {
      if (visible.has(topic)) continue;
      if (await isDeniedToDescribe(admin, topic)) throw new KafkaAccessError(topicDenied(principal, topic, variable, role, groupId));
      missing.push(topic);
    }
    if (missing.length > 0) {
      if (!createTopics)
        throw new KafkaAccessError(`Kafka topic(s) ${missing.join(', ')} do not exist and KAFKA_CREATE_TOPICS is off: create them, or allow riskwire to (KAFKA_CREATE_TOPICS=true and the CREATE ACL)`);
      try {
        await ensureTopics(kafka, missing, topicPartitions);
      } catch (error) {
        if (isType(error, 'TOPIC_AUTHORIZATION_FAILED') || isType(error, 'CLUSTER_AUTHORIZATION_FAILED'))
          throw new KafkaAccessError(
            `Kafka: not authorized to CREATE topic(s) ${missing.join(', ')} (KAFKA_CREATE_TOPICS=true): create them as an administrator and set KAFKA_CREATE_TOPICS=false, ` +
              `or grant the ACL: kafka-acls --add --allow-principal ${principal} --operation Create --topic <each topic>`,
            { cause: error },
          );
        throw explained(error, `creating topics ${missing.join(', ')}`);
      }
      new Logger('KafkaPreflight').log(`created missing topics ${missing.join(', ')}`);
    }
    try {
      await admin.describeGroups([groupId]);
    } catch (error) {
      if (groupDenied || isType(error, 'GROUP_AUTHORIZATION_FAILED'))
        throw new KafkaAccessError(
          `Kafka: not authorized to use consumer group ${groupId} (KAFKA_GROUP_ID): grant the ACL: ` +
            `kafka-acls --add --allow-principal ${principal} --operation Read --group ${groupId}`,
          { cause: error },
        );
      throw explained(error, `describing consumer group ${groupId}`);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Kafka answers TOPIC_AUTHORIZATION_FAILED for a topic the principal may not DESCRIBE, whether or not it exists. */
async function isDeniedToDescribe(admin: Admin, topic: string): Promise<boolean> {
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
    return false;
  } catch (error) {
    if (isType(error, 'TOPIC_AUTHORIZATION_FAILED')) return true;
    if (isType(error, 'UNKNOWN_TOPIC_OR_PARTITION') || /does not host this topic-partition/i.test((error as Error).message)) return false;
    throw error;
  }
}

function topicDenied(principal: string, topic: string, variable: string, role: Role, groupId: string): string {
  return role === 'input'
    ? `Kafka: not authorized to READ topic ${topic} (${variable}): riskwire consumes it; grant the ACL: ` +
        `kafka-acls --add --allow-principal ${principal} --consumer --topic ${topic} --group ${groupId}`
    : `Kafka: not authorized to WRITE topic ${topic} (${variable}): riskwire produces to it; grant the ACL: ` +
        `kafka-acls --add --allow-principal ${principal} --producer --topic ${topic}`;
}
