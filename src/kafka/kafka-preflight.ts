import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { AppConfig } from '../config/app-config.js';
import { createKafka } from './kafka-factory.js';
import { explainKafkaError } from './kafka-security.js';
import { ensureTopics } from './topic-admin.js';

/**
 * A start-up check failed: the message names the cause and the setting or ACL that fixes it. `permanent`
 * (the default) means an operator must act, so the start fails; a broker that is merely unreachable is
 * not permanent, and the start is retried while the API serves.
 */
export class KafkaAccessError extends Error {
  readonly permanent: boolean;

  constructor(message: string, options?: { cause?: unknown; permanent?: boolean }) {
    super(message, options);
    this.name = 'KafkaAccessError';
    this.permanent = options?.permanent ?? true;
  }
}

type Role = 'input' | 'output';

const isType = (error: unknown, type: string) => (error as { type?: string } | undefined)?.type === type;

/**
 * Fails the start, naming the cause, when riskwire cannot work with its cluster: wrong credentials,
 * an untrusted certificate, a topic or group it may not use, a topic that is missing and may not be
 * created. Without it those surface as a consumer that crashes and restarts, or a producer that
 * retries, forever. Checked: DESCRIBE on its topics (Kafka hides the others), WRITE on the output
 * topics (decisions, dead letters, labels, shadow decisions when a shadow policy is set) (without writing, see checkWriteAccess) and the consumer group; READ on the input
 * topics is implied by nothing we can ask without consuming, so the first fetch exercises it.
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
  const explained = (error: unknown, doing: string) => {
    const reason = explainKafkaError(error, security, brokers);
    return new KafkaAccessError(reason ?? `Kafka ${doing} failed: ${(error as Error).message}`, {
      cause: error,
      permanent: reason !== undefined,
    });
  };
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
      // fraud labels (POST /v1/labels) and, with a shadow policy, its decisions: riskwire produces to them too
      [config.policyLifecycle.topics.labels, 'TOPIC_LABELS', 'output'],
      ...(config.policyLifecycle.shadowFile
        ? [[config.policyLifecycle.topics.shadowDecisions, 'TOPIC_SHADOW_DECISIONS', 'output'] as [string, string, Role]]
        : []),
    ];
    const missing: string[] = [];
    for (const [topic, variable, role] of needed) {
      if (visible.has(topic)) continue;
      if (await isDeniedToDescribe(admin, topic)) throw new KafkaAccessError(topicDenied(principal, topic, variable, role, groupId));
      missing.push(topic);
    }
    if (missing.length > 0) {
      if (!createTopics)
        throw new KafkaAccessError(
          `Kafka topic(s) ${missing.join(', ')} do not exist and KAFKA_CREATE_TOPICS is off: create them, or allow riskwire to (KAFKA_CREATE_TOPICS=true and the CREATE ACL)`,
        );
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
    await checkWriteAccess(
      kafka,
      needed.filter(([, , role]) => role === 'output'),
      principal,
      (error, doing) => explained(error, doing),
    );
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

/**
 * WRITE without writing: a produce request with acks=2 is authorized topic by topic first, then
 * refused as a whole with INVALID_REQUIRED_ACKS before anything is appended (Kafka has accepted only
 * 0, 1 and -1 since 0.9). So INVALID_REQUIRED_ACKS means "may write", TOPIC_AUTHORIZATION_FAILED
 * means "may not", and the topic stays untouched either way (the e2e spec checks the offsets).
 */
async function checkWriteAccess(
  kafka: Kafka,
  outputs: [string, string, Role][],
  principal: string,
  explained: (error: unknown, doing: string) => KafkaAccessError,
): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  try {
    await producer.connect();
  } catch (error) {
    throw explained(error, 'connecting a producer');
  }
  try {
    for (const [topic, variable] of outputs) {
      try {
        await producer.send({ topic, acks: WRITE_PROBE_ACKS, messages: [{ key: null, value: null }] });
        throw new KafkaAccessError(
          `Kafka accepted a produce request with acks=${WRITE_PROBE_ACKS} on ${topic}: this broker does not behave like Apache Kafka`,
        );
      } catch (error) {
        if (isType(error, 'INVALID_REQUIRED_ACKS')) continue;
        if (isType(error, 'TOPIC_AUTHORIZATION_FAILED'))
          throw new KafkaAccessError(topicDenied(principal, topic, variable, 'output', ''), { cause: error });
        if (error instanceof KafkaAccessError) throw error;
        throw explained(error, `checking WRITE access to ${topic}`);
      }
    }
  } finally {
    await producer.disconnect();
  }
}

/** Not a valid acks value: the broker checks authorization, then rejects the request unwritten. */
const WRITE_PROBE_ACKS = 2;

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
