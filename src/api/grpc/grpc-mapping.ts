import type { Decision, DecisionSignal, Outcome } from '../../domain/decision.js';
import type { EventType } from '../../domain/risk-event.js';

/**
 * riskwire.v1.Outcome's value names carry the enum's prefix (buf's ENUM_VALUE_PREFIX): OUTCOME_DENY is the
 * JSON contract's "DENY", same number as before the prefix. OUTCOME_UNSPECIFIED (0) is never sent.
 */
export type OutcomeMessage = `OUTCOME_${Outcome}`;

export function outcomeToMessage(outcome: Outcome): OutcomeMessage {
  return `OUTCOME_${outcome}`;
}

/** AssessRequest as @grpc/proto-loader hands it over (camelCase, oneofs: true, unset fields absent). */
export interface AssessRequestMessage {
  eventId?: string;
  occurredAt?: string;
  accountId?: string;
  phoneNumber?: string;
  /** the oneof's name: the event type */
  event?: EventType;
  login?: { channel?: string; ipAddress?: string; deviceId?: string; otpChannel?: string };
  transaction?: {
    amount?: { value?: string; currency?: string };
    transactionType?: string;
    beneficiaryId?: string;
    beneficiaryIsNew?: boolean;
  };
}

export interface SignalMessage {
  status: string;
  reason?: string;
  valueJson?: string;
  latestChange?: string;
  swapped?: boolean;
  maxAgeMinutes?: number;
  active?: boolean;
  provider?: string;
}

export interface DecisionMessage {
  decisionId: string;
  eventId: string;
  eventType: string;
  accountId: string;
  score: number;
  outcome: OutcomeMessage;
  reasons: { code: string; points: number; message: string }[];
  avoidOtpChannels: string[];
  degraded: boolean;
  policyVersion: string;
  signals: Record<string, SignalMessage>;
  decidedAt: string;
  latencyMs: number;
  proposedOutcome?: OutcomeMessage;
  /** the decision's evidence as JSON, like a signal's valueJson: its shape is the JSON Schema's, not the proto's */
  evidenceJson: string;
}

/** proto3 cannot tell "" from unset: both mean absent, so validation reports PARAMETER_REQUIRED. */
function present<T>(value: T | undefined | null): T | undefined {
  return value === '' || value === null ? undefined : (value ?? undefined);
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * Turns an AssessRequest into the JSON event contract, so validateEvent judges it exactly as on Kafka and
 * HTTP. Field paths in errors are therefore the JSON ones (e.g. `amount.currency`).
 */
export function assessRequestToEventPayload(request: AssessRequestMessage): Record<string, unknown> {
  const type = request.event ?? (request.transaction ? 'transaction' : request.login ? 'login' : undefined);
  const base = compact({
    eventId: present(request.eventId),
    type,
    occurredAt: present(request.occurredAt),
    accountId: present(request.accountId),
    phoneNumber: present(request.phoneNumber),
  });
  if (type === 'transaction') {
    const tx = request.transaction ?? {};
    const amount = tx.amount ? compact({ value: present(tx.amount.value), currency: present(tx.amount.currency) }) : undefined;
    return {
      ...base,
      ...compact({
        amount,
        transactionType: present(tx.transactionType),
        beneficiaryId: present(tx.beneficiaryId),
        beneficiaryIsNew: tx.beneficiaryIsNew ?? undefined,
      }),
    };
  }
  if (type === 'login') {
    const login = request.login ?? {};
    return {
      ...base,
      ...compact({
        channel: present(login.channel),
        ipAddress: present(login.ipAddress),
        deviceId: present(login.deviceId),
        otpChannel: present(login.otpChannel),
      }),
    };
  }
  return base;
}

function signalToMessage(signal: DecisionSignal): SignalMessage {
  const message: SignalMessage = { status: signal.status };
  if (signal.reason) message.reason = signal.reason;
  if (signal.provider) message.provider = signal.provider;
  if (signal.value !== undefined) {
    message.valueJson = JSON.stringify(signal.value);
    const v = signal.value as {
      latestChange?: string | null;
      swappedWithin?: { swapped: boolean; maxAgeMinutes: number };
      active?: boolean;
    };
    if (typeof v.latestChange === 'string') message.latestChange = v.latestChange;
    if (v.swappedWithin) {
      message.swapped = v.swappedWithin.swapped;
      message.maxAgeMinutes = v.swappedWithin.maxAgeMinutes;
    }
    if (typeof v.active === 'boolean') message.active = v.active;
  }
  return message;
}

export function decisionToMessage(decision: Decision): DecisionMessage {
  return {
    decisionId: decision.decisionId,
    eventId: decision.eventId,
    eventType: decision.eventType,
    accountId: decision.accountId,
    score: decision.score,
    outcome: outcomeToMessage(decision.outcome),
    reasons: decision.reasons.map((r) => ({ code: r.code, points: r.points, message: r.message })),
    avoidOtpChannels: [...decision.avoidOtpChannels],
    degraded: decision.degraded,
    policyVersion: decision.policyVersion,
    signals: Object.fromEntries(Object.entries(decision.signals).map(([name, s]) => [name, signalToMessage(s)])),
    decidedAt: decision.decidedAt,
    latencyMs: Math.min(Math.max(0, Math.round(decision.latencyMs)), 2 ** 31 - 1),
    ...(decision.proposedOutcome ? { proposedOutcome: outcomeToMessage(decision.proposedOutcome) } : {}),
    evidenceJson: JSON.stringify(decision.evidence),
  };
}
