import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Kafka } from 'kafkajs';
import type { Decision } from '../src/domain/decision.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator-server.js';
import { loginEvent } from './support/events.js';
import { TopicReader, produce, testKafka } from './support/kafka-io.js';
import { ServiceProcess } from './support/service-process.js';
import { SimulatorAdmin, hoursAgo } from './support/simulator-admin.js';

const script = fileURLToPath(new URL('../scripts/kafka/kafka.sh', import.meta.url));
const API_KEY = 'secured-e2e-upstream-key';

// A broker of its own, next to the suite's plaintext one: SASL_SSL only, the StandardAuthorizer and
// the ACLs the project's script grants riskwire for the default topic and group names.
const brokerEnv: NodeJS.ProcessEnv = {
  ...process.env,
  KAFKA_SECURITY: 'sasl_ssl',
  KAFKA_PORT: process.env.RISKWIRE_TEST_SECURED_KAFKA_PORT ?? '19394',
  KAFKA_CONTROLLER_PORT: process.env.RISKWIRE_TEST_SECURED_KAFKA_CONTROLLER_PORT ?? '19395',
  TOPIC_LOGIN: 'risk.login.v1',
  TOPIC_TRANSACTION: 'risk.transaction.v1',
  TOPIC_DECISIONS: 'risk.decisions.v1',
  TOPIC_DLQ: 'risk.dlq.v1',
  KAFKA_GROUP_ID: 'riskwire',
  KAFKA_CREATE_TOPICS: 'true',
};

function brokerScript(args: string[], stdio: 'inherit' | 'pipe' = 'inherit'): string {
  return execFileSync('bash', [script, ...args], { env: brokerEnv, stdio: ['ignore', stdio, 'inherit'], encoding: 'utf8' }) ?? '';
}

/** `kafka.sh client-env USER`: NAME=value lines, as the issue specifies them. */
function clientEnv(user: 'riskwire' | 'admin'): Record<string, string> {
  const lines = brokerScript(['client-env', user], 'pipe').trim().split('\n');
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

async function failedStart(env: Record<string, string>): Promise<string> {
  const service = new ServiceProcess(env);
  const failure = await service.start(30_000).then(
    () => undefined,
    (error: unknown) => (error as Error).message,
  );
  if (failure === undefined) {
    await service.kill('SIGTERM');
    throw new Error('the service started although it should have refused to');
  }
  return failure;
}

describe('secured Kafka: SASL_SSL with SCRAM-SHA-512 and ACLs (project broker script, service as a process)', () => {
  let simulator: RunningSimulator;
  let riskwireEnv: Record<string, string>;
  let adminKafka: Kafka;
  let service: ServiceProcess | undefined;
  let signals: Record<string, string>;

  beforeAll(async () => {
    brokerScript(['start']);
    riskwireEnv = clientEnv('riskwire');
    adminKafka = testKafka(clientEnv('admin'));
    simulator = await startSimulator({ port: 0, apiKey: API_KEY });
    signals = { SIGNALS_BASE_URL: simulator.baseUrl, SIGNALS_API_KEY: API_KEY, SIGNALS_RETRIES: '0' };
  });

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await simulator?.close();
    if (process.env.RISKWIRE_KEEP_KAFKA !== '1') brokerScript(['stop', '--clean']);
  });

  it('client-env prints the variables a client needs, as riskwire by default', () => {
    expect(Object.keys(riskwireEnv).sort()).toEqual(
      ['KAFKA_BROKERS', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_USERNAME', 'KAFKA_SSL', 'KAFKA_SSL_CA_FILE'].sort(),
    );
    expect(riskwireEnv).toMatchObject({
      KAFKA_BROKERS: `127.0.0.1:${brokerEnv.KAFKA_PORT}`,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'riskwire',
    });
    const byDefault = brokerScript(['client-env'], 'pipe');
    expect(byDefault).toContain('KAFKA_SASL_USERNAME=riskwire\n');
    expect(riskwireEnv.KAFKA_SASL_PASSWORD).not.toEqual(clientEnv('admin').KAFKA_SASL_PASSWORD);
  });

  it('runs the pipeline as riskwire: an event produced as admin comes back as a decision', async () => {
    service = await new ServiceProcess({ ...riskwireEnv, ...signals, SIGNAL_CACHE: 'off' }).start();
    // the start-up WRITE check left the output topics untouched (fresh broker: nothing else wrote to them)
    const admin = adminKafka.admin();
    await admin.connect();
    for (const topic of ['risk.decisions.v1', 'risk.dlq.v1']) {
      expect((await admin.fetchTopicOffsets(topic)).every((p) => p.high === '0')).toBe(true);
    }
    await admin.disconnect();
    const phone = '+491700000777';
    await new SimulatorAdmin(simulator.url).subscriber(phone, { simSwappedAt: hoursAgo(2), callForwardingActive: true });
    const decisions = await new TopicReader<Decision>(adminKafka, 'risk.decisions.v1').start();
    try {
      const event = loginEvent(phone);
      await produce(adminKafka, 'risk.login.v1', [{ key: event.accountId, value: JSON.stringify(event) }]);
      await decisions.waitFor(
        (records) => records.some((r) => r.value.eventId === event.eventId),
        30_000,
        `the decision for ${event.eventId}`,
      );
      const decision = decisions.records.find((r) => r.value.eventId === event.eventId)!.value;
      expect(decision.outcome).toBe('DENY');
      expect(decision.reasons.map((r) => r.code)).toContain('COMBO_SIM_SWAP_CALL_FORWARDING');
    } finally {
      await decisions.stop();
      await service.kill('SIGTERM');
      service = undefined;
    }
  });

  it('a wrong password stops the start with exit code 1, naming the user and the variables', async () => {
    const failure = await failedStart({ ...riskwireEnv, ...signals, KAFKA_SASL_PASSWORD: 'not-the-password' });
    expect(failure).toContain('service exited with 1');
    expect(failure).toContain('Kafka SASL authentication failed for user riskwire (KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD)');
    expect(failure).not.toContain(riskwireEnv.KAFKA_SASL_PASSWORD);
  });

  it('a topic without an ACL for riskwire stops the start, naming the topic, the operation and the grant', async () => {
    const failure = await failedStart({ ...riskwireEnv, ...signals, TOPIC_DECISIONS: 'risk.unlisted.decisions' });
    expect(failure).toContain('service exited with 1');
    expect(failure).toContain('not authorized to WRITE topic risk.unlisted.decisions (TOPIC_DECISIONS)');
    expect(failure).toContain('kafka-acls --add --allow-principal User:riskwire --producer --topic risk.unlisted.decisions');
  });

  it('a topic riskwire may DESCRIBE but not WRITE stops the start, naming the missing WRITE', async () => {
    const admin = adminKafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'risk.describe-only.decisions', numPartitions: 1 }] });
    await admin.createAcls({
      acl: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'risk.describe-only.decisions',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal: 'User:riskwire',
          host: '*',
          operation: AclOperationTypes.DESCRIBE,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
    await admin.disconnect();
    const failure = await failedStart({ ...riskwireEnv, ...signals, TOPIC_DECISIONS: 'risk.describe-only.decisions' });
    expect(failure).toContain('service exited with 1');
    expect(failure).toContain('not authorized to WRITE topic risk.describe-only.decisions (TOPIC_DECISIONS)');
  });

  it('a consumer group without an ACL stops the start, naming the group', async () => {
    const failure = await failedStart({ ...riskwireEnv, ...signals, KAFKA_GROUP_ID: 'someone-elses-group' });
    expect(failure).toContain('service exited with 1');
    expect(failure).toContain('not authorized to use consumer group someone-elses-group (KAFKA_GROUP_ID)');
  });

  it("without the CA file the broker's certificate is not trusted, and the error names the setting", async () => {
    const { KAFKA_SSL_CA_FILE: _ca, ...withoutCa } = riskwireEnv;
    const failure = await failedStart({ ...withoutCa, ...signals });
    expect(failure).toContain('service exited with 1');
    expect(failure).toMatch(/Kafka broker certificate is not trusted \([A-Z_]+\): set KAFKA_SSL_CA_FILE/);
  });

  it('a plaintext client on the SASL_SSL listener is told to turn TLS and SASL on', async () => {
    const failure = await failedStart({ KAFKA_BROKERS: riskwireEnv.KAFKA_BROKERS, ...signals });
    expect(failure).toContain('service exited with 1');
    expect(failure).toContain('set KAFKA_SSL=true and KAFKA_SASL_MECHANISM/USERNAME/PASSWORD');
  });
});
