/**
 * The benchmark's naive reference: how a first NestJS Kafka consumer is usually written. A stock
 * `@EventPattern` handler (one message at a time per partition) awaits the three Network Signals checks
 * one after another with plain fetch, scores, and publishes the decision with ClientKafka.emit.
 * Configured by BASELINE_* variables set by tools/bench/service-launchers.ts.
 */
import 'reflect-metadata';
import { Controller, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, ClientsModule, EventPattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { closeOnSignals } from '../../src/common/close-on-signals.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`naive-baseline: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

const settings = {
  brokers: required('BASELINE_KAFKA_BROKERS').split(','),
  groupId: required('BASELINE_GROUP_ID'),
  loginTopic: required('BASELINE_TOPIC_LOGIN'),
  transactionTopic: required('BASELINE_TOPIC_TRANSACTION'),
  decisionsTopic: required('BASELINE_TOPIC_DECISIONS'),
  signalsBaseUrl: required('BASELINE_SIGNALS_BASE_URL').replace(/\/+$/, ''),
  apiKey: required('BASELINE_SIGNALS_API_KEY'),
  partitionsConcurrently: Number(process.env.BASELINE_PARTITIONS_CONCURRENTLY ?? '1'),
};

const DECISIONS_CLIENT = 'DECISIONS_CLIENT';

interface IncomingEvent {
  eventId: string;
  type: string;
  accountId: string;
  phoneNumber: string;
}

async function ask(path: string, phoneNumber: string): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await fetch(`${settings.signalsBaseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apiKey: settings.apiKey },
      body: JSON.stringify({ phoneNumber }),
    });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const recent = (iso: unknown, hours: number) => typeof iso === 'string' && Date.now() - Date.parse(iso) < hours * 3600_000;

@Controller()
class NaiveRiskController implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(DECISIONS_CLIENT) private readonly decisions: ClientKafka) {}

  async onModuleInit(): Promise<void> {
    await this.decisions.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.decisions.close();
  }

  @EventPattern<Record<string, IncomingEvent>>(settings.transactionTopic)
  async onTransaction(@Payload() event: IncomingEvent): Promise<void> {
    await this.decide(event);
  }

  @EventPattern<Record<string, IncomingEvent>>(settings.loginTopic)
  async onLogin(@Payload() event: IncomingEvent): Promise<void> {
    await this.decide(event);
  }

  private async decide(event: IncomingEvent): Promise<void> {
    const started = Date.now();
    const simSwap = await ask('/sim-swap/retrieve-date', event.phoneNumber);
    const deviceSwap = await ask('/device-swap/retrieve-date', event.phoneNumber);
    const callForwarding = await ask('/call-forwarding/check', event.phoneNumber);
    let score = 0;
    if (recent(simSwap?.latestSimChange, 24)) score += 60;
    if (recent(deviceSwap?.latestDeviceChange ?? deviceSwap?.latestSimChange, 24)) score += 30;
    if (callForwarding?.active === true) score += 45;
    // Same meaning as riskwire's UNAVAILABLE signals: a check that did not answer.
    const degraded = !simSwap || !deviceSwap || !callForwarding;
    if (degraded) score += 25;
    const outcome = score >= 80 ? 'DENY' : score >= 55 ? 'REVIEW' : score >= 30 ? 'CHALLENGE' : 'ALLOW';
    const decision = {
      eventId: event.eventId,
      accountId: event.accountId,
      score: Math.min(100, score),
      outcome,
      degraded,
      decidedAt: new Date().toISOString(),
      latencyMs: Date.now() - started,
    };
    await lastValueFrom(this.decisions.emit(settings.decisionsTopic, { key: event.accountId, value: JSON.stringify(decision) }));
  }
}

@Module({
  imports: [
    ClientsModule.register([
      {
        name: DECISIONS_CLIENT,
        transport: Transport.KAFKA,
        options: {
          client: { clientId: `${settings.groupId}-producer`, brokers: settings.brokers },
          producer: { createPartitioner: Partitioners.DefaultPartitioner },
          producerOnlyMode: true,
        },
      },
    ]),
  ],
  controllers: [NaiveRiskController],
})
class NaiveBaselineModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(NaiveBaselineModule, {
    logger: ['error', 'warn'],
    transport: Transport.KAFKA,
    options: {
      client: { clientId: settings.groupId, brokers: settings.brokers },
      consumer: { groupId: settings.groupId },
      subscribe: { fromBeginning: true },
      // One message at a time per partition, every partition in parallel: the stock handler's best case.
      run: { partitionsConsumedConcurrently: settings.partitionsConcurrently },
    },
  });
  await app.listen();
  process.stdout.write('naive-baseline ready\n');
  closeOnSignals(app, 10_000, (message) => process.stderr.write(`naive-baseline: ${message}\n`));
}

main().catch((error: unknown) => {
  process.stderr.write(`naive-baseline: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
