import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setGrpcServingStatus } from '../api/grpc/grpc-options.js';
import { EventConsumerService } from '../events/event-consumer.service.js';
import { RISK_POLICY } from '../scoring/risk-policy.token.js';
import type { RiskPolicy } from '../scoring/risk-policy.js';

export interface ReadinessPart {
  name: 'kafkaConsumer' | 'kafkaProducer' | 'policy';
  ready: boolean;
  why: string;
}

/** One answer to "can this instance do its job?", for HTTP /health/ready and gRPC health alike. */
@Injectable()
export class ReadinessService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly events: EventConsumerService,
    @Inject(RISK_POLICY) private readonly policy: RiskPolicy,
  ) {}

  parts(): ReadinessPart[] {
    return [
      { name: 'kafkaConsumer', ready: this.events.consumerReady, why: 'consumer has not joined its group (or crashed)' },
      { name: 'kafkaProducer', ready: this.events.producerReady, why: 'producer is not connected' },
      { name: 'policy', ready: Boolean(this.policy?.version), why: 'no policy loaded' },
    ];
  }

  get ready(): boolean {
    return this.parts().every((p) => p.ready);
  }

  onApplicationBootstrap() {
    const sync = () => setGrpcServingStatus(this.ready ? 'SERVING' : 'NOT_SERVING');
    sync();
    this.timer = setInterval(sync, 1000);
    this.timer.unref();
  }

  // Load balancers stop sending gRPC traffic while the consumer drains.
  beforeApplicationShutdown() {
    clearInterval(this.timer);
    setGrpcServingStatus('NOT_SERVING');
  }
}
