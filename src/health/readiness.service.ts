import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { EventConsumerService } from '../events/event-consumer.service.js';
import { ActivePolicies } from '../policy/active-policies.js';
import { GrpcHealthStatus } from './grpc-health-status.js';

export interface ReadinessPart {
  name: 'policy';
  ready: boolean;
  why: string;
}

/** Kafka's state, reported beside readiness: the HTTP and gRPC API serve whether or not Kafka is there. */
export interface KafkaStatus {
  status: 'up' | 'down';
  consumer: 'joined' | 'down';
  producer: 'connected' | 'disconnected';
  /** seconds the consumer has been out of its group */
  consumerDownSeconds: number;
  /** records held back by a transient fault (consumption is paused while any is) */
  heldRecords: number;
}

/**
 * One answer to "can this instance serve the API?", for HTTP /health/ready and gRPC health alike,
 * and one to "is it alive?" for /health/live: a consumer out of its group for longer than
 * KAFKA_CONSUMER_DOWN_LIVENESS_MS is a reason to restart the pod, a short outage is not.
 */
@Injectable()
export class ReadinessService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly events: EventConsumerService,
    private readonly policies: ActivePolicies,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly grpcHealth: GrpcHealthStatus,
  ) {}

  parts(): ReadinessPart[] {
    return [{ name: 'policy', ready: Boolean(this.policies.live?.policy.version), why: 'no policy loaded' }];
  }

  get ready(): boolean {
    return this.parts().every((p) => p.ready);
  }

  kafka(now = Date.now()): KafkaStatus {
    const consumer = this.events.consumerState;
    const producer = this.events.producerReady;
    return {
      status: consumer.joined && producer ? 'up' : 'down',
      consumer: consumer.joined ? 'joined' : 'down',
      producer: producer ? 'connected' : 'disconnected',
      consumerDownSeconds: consumer.downSince === undefined ? 0 : Math.round((now - consumer.downSince) / 1000),
      heldRecords: consumer.held,
    };
  }

  /** undefined while alive, else why not */
  liveness(now = Date.now()): string | undefined {
    const { downSince } = this.events.consumerState;
    const bound = this.config.kafkaResilience.consumerDownLivenessMs;
    if (downSince !== undefined && now - downSince > bound) {
      return `the Kafka consumer has been out of its group for ${Math.round((now - downSince) / 1000)} s (limit ${bound / 1000} s)`;
    }
    return undefined;
  }

  onApplicationBootstrap() {
    const sync = () => this.grpcHealth.set(this.ready ? 'SERVING' : 'NOT_SERVING');
    sync();
    this.timer = setInterval(sync, 1000);
    this.timer.unref();
  }

  // Load balancers stop sending gRPC traffic while the consumer drains.
  beforeApplicationShutdown() {
    clearInterval(this.timer);
    this.grpcHealth.set('NOT_SERVING');
  }
}
