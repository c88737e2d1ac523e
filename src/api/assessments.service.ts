import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { FieldError } from '../domain/error-codes.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Decision } from '../domain/decision.js';
import { DeterministicFailure } from '../domain/deterministic-failure.js';
import { DecisionIds } from '../decisions/decision-id.js';
import { DECISION_STORE, type DecisionPage, type DecisionStore } from '../decisions/decision-store.js';
import { eventFingerprint } from '../decisions/event-fingerprint.js';
import { RiskEngine, eventIdConflict, type DecisionSource } from '../decisions/risk-engine.js';
import { ShadowDecisionPublisher } from '../decisions/shadow-decision-publisher.js';
import type { RiskEvent } from '../domain/risk-event.js';
import { validateEvent } from '../contract/event-validation.js';
import { ApiError } from './errors/api-error.js';
import { API_STATE_STORE, type ApiStateStore } from './api-state.store.js';
import { CallbackDeliveryService } from './callbacks/callback-delivery.service.js';
import { checkCallbackUrl } from './callbacks/callback-url.policy.js';
import type { PageRequest } from './http/paging.js';
import { withinTimeout } from '../common/within-timeout.js';

export interface PendingAssessment {
  decisionId: string;
  status: 'PENDING' | 'FAILED';
  error?: { code: string; message: string };
}

export interface AssessmentRequest {
  event: RiskEvent;
  callbackUrl?: URL;
}

export interface AssessContext {
  source: Exclude<DecisionSource, 'kafka'>;
  /** the caller's tenant: the owner of the decision */
  tenant: string;
  receivedAt: number;
  /** epoch ms by which a decision must be made */
  deadline?: number;
}

/** What the state store keeps for an accepted assessment: the answer, and what it was accepted for. */
interface PendingRecord {
  pending: PendingAssessment;
  eventFingerprint: string;
}

/** The slice of RiskEngine the API uses, so tests can hand in a fake. */
export type AssessmentEngine = Pick<RiskEngine, 'assess' | 'recordDelivered'>;

/**
 * The API's use cases on top of RiskEngine: synchronous assessment, asynchronous assessment with callback,
 * lookup (decided, pending or failed) and listing. Transport-neutral: HTTP and gRPC both call it.
 */
@Injectable()
export class AssessmentsService implements OnApplicationShutdown {
  private readonly logger = new Logger('AssessmentsService');
  private readonly background = new Set<Promise<void>>();

  constructor(
    @Inject(RiskEngine) private readonly engine: AssessmentEngine,
    @Inject(DECISION_STORE) private readonly store: DecisionStore,
    @Inject(API_STATE_STORE) private readonly state: ApiStateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly callbacks: CallbackDeliveryService,
    private readonly ids: DecisionIds,
    @Optional() private readonly shadows?: ShadowDecisionPublisher,
  ) {}

  /** Validates an assessment body: the event exactly as Kafka judges it, plus the optional callbackUrl. */
  async parseRequest(body: unknown): Promise<AssessmentRequest> {
    const result = validateEvent(body);
    const details: FieldError[] = result.ok ? [] : [...result.error.details];
    let callbackUrl: URL | undefined;
    const rawCallback = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).callbackUrl : undefined;
    if (rawCallback !== undefined && this.config.api.callbacks === 'disabled') {
      details.push({
        field: 'callbackUrl',
        code: 'PARAMETER_INVALID',
        message:
          'Asynchronous assessments with a callback are disabled on this deployment; omit callbackUrl to get the decision in the response',
      });
    } else if (rawCallback !== undefined) {
      const checked = await checkCallbackUrl(rawCallback, { allowPrivate: this.config.api.callbackAllowPrivate });
      if (checked instanceof URL) callbackUrl = checked;
      else details.push(checked);
    }
    if (!result.ok || details.length > 0) {
      throw ApiError.validation(details, result.ok ? undefined : result.error.message);
    }
    return { event: result.event, callbackUrl };
  }

  async assess(event: RiskEvent, context: AssessContext): Promise<Decision> {
    const { decision, shadow } = await this.engine.assess(event, {
      source: context.source,
      tenant: context.tenant,
      deadline: context.deadline,
      receivedAt: context.receivedAt,
    });
    this.engine.recordDelivered(decision, context.source, context.receivedAt, event.occurredAt);
    // the caller does not wait for the shadow (publish never rejects)
    if (shadow) void this.shadows?.publish(shadow);
    return decision;
  }

  /**
   * Accepts at once; decides in the background and POSTs the decision to the callback URL. An eventId the
   * tenant already used for other content (decided, or accepted and still pending) is refused here, as 409.
   */
  async accept(event: RiskEvent, callbackUrl: URL, context: AssessContext): Promise<PendingAssessment> {
    const decisionId = this.ids.idFor(context.tenant, event.eventId);
    const fingerprint = eventFingerprint(event);
    const [retained, pendingJson] = await Promise.all([
      this.store.get(context.tenant, decisionId),
      this.state.get(this.pendingKey(context.tenant, decisionId)),
    ]);
    const earlier = retained?.eventFingerprint ?? (pendingJson && (JSON.parse(pendingJson) as PendingRecord).eventFingerprint);
    if (earlier && earlier !== fingerprint) throw eventIdConflict(event.eventId);
    const pending: PendingAssessment = { decisionId, status: 'PENDING' };
    await this.savePending(context.tenant, { pending, eventFingerprint: fingerprint });
    const task = this.decideAndCallBack(event, callbackUrl, context, { decisionId, fingerprint }).finally(() =>
      this.background.delete(task),
    );
    this.background.add(task);
    return pending;
  }

  /** The tenant's decision or accepted assessment; another tenant's is as unknown as a made-up id. */
  async find(tenant: string, decisionId: string): Promise<Decision | PendingAssessment> {
    if (decisionId.length > 128) throw ApiError.notFound(`No decision ${decisionId.slice(0, 32)}…`);
    const retained = await this.store.get(tenant, decisionId);
    if (retained) return retained.decision;
    const pending = await this.state.get(this.pendingKey(tenant, decisionId));
    if (pending) return (JSON.parse(pending) as PendingRecord).pending;
    throw ApiError.notFound(`No decision ${decisionId} (unknown, or older than the retention period)`);
  }

  list(tenant: string, page: PageRequest): Promise<DecisionPage> {
    return this.store.listByAccount(tenant, page.accountId, { offset: (page.pageNumber - 1) * page.pageSize, limit: page.pageSize });
  }

  /** Lets accepted assessments finish (callbacks are aborted by their own service on shutdown). */
  async onApplicationShutdown(): Promise<void> {
    await withinTimeout(Promise.allSettled([...this.background]), 5000, () => undefined, { unref: true });
  }

  /** Number of accepted assessments still being decided or called back. */
  get backgroundTasks(): number {
    return this.background.size;
  }

  private async decideAndCallBack(
    event: RiskEvent,
    callbackUrl: URL,
    context: AssessContext,
    accepted: { decisionId: string; fingerprint: string },
  ): Promise<void> {
    const { decisionId } = accepted;
    let decision: Decision;
    try {
      decision = await this.assess(event, context);
    } catch (err) {
      if (err instanceof DeterministicFailure && err.code === 'EVENT_ID_CONFLICT') {
        // Another event took the id between acceptance and decision: the id's state is that event's, leave it.
        this.logger.warn({ decisionId }, 'asynchronous assessment lost its eventId to an event with other content');
        return;
      }
      this.logger.error({ err, decisionId }, 'asynchronous assessment failed');
      const failed: PendingAssessment = {
        decisionId,
        status: 'FAILED',
        error: { code: 'INTERNAL_ERROR', message: 'The assessment failed; submit it again' },
      };
      await this.savePending(context.tenant, { pending: failed, eventFingerprint: accepted.fingerprint }).catch(() => undefined);
      return;
    }
    await this.callbacks.deliver(callbackUrl, decision, decisionId);
  }

  private savePending(tenant: string, record: PendingRecord): Promise<void> {
    return this.state.set(this.pendingKey(tenant, record.pending.decisionId), JSON.stringify(record), this.config.store.retentionSeconds);
  }

  // tenant ids and key ids contain no ':', so the key names one tenant's id
  private pendingKey(tenant: string, decisionId: string) {
    return `pending:${tenant}:${decisionId}`;
  }
}
