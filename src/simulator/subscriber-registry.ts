import { isE164 } from './phone-number.js';

/** Which field the device-swap retrieve-date answer carries the date in (the reference example shows the legacy one). */
export type DeviceSwapDateField = 'latestDeviceChange' | 'latestSimChange';
export const DEVICE_SWAP_DATE_FIELDS: readonly DeviceSwapDateField[] = ['latestDeviceChange', 'latestSimChange'];

export interface SubscriberState {
  known: boolean;
  /** RFC 3339 timestamp as given (the upstream answers with nanosecond precision), null when never swapped. */
  simSwappedAt: string | null;
  deviceSwappedAt: string | null;
  callForwardingActive: boolean;
  /** Overrides the simulator-wide field name for this subscriber only. */
  deviceSwapDateField?: DeviceSwapDateField;
  // --- CAMARA dialect only
  /** Days the operator may disclose: an older (or no) swap reads as null with monitoredPeriod. Unset: unlimited. */
  monitoredPeriodDays?: number;
  /** Every CAMARA operation answers 422 SERVICE_NOT_APPLICABLE for this number (e.g. an IoT line). */
  serviceNotApplicable?: boolean;
  /** Every CAMARA operation answers 501 NOT_IMPLEMENTED for this number (an operator without the operation). */
  notImplemented?: boolean;
}

/** A subscriber plus the parsed swap times the hot path compares against. */
export interface StoredSubscriber extends SubscriberState {
  simSwappedAtMs: number | null;
  deviceSwappedAtMs: number | null;
}

export type SubscriberPatch = Partial<SubscriberState>;

const CLEAN_SUBSCRIBER: Readonly<StoredSubscriber> = Object.freeze({
  known: true,
  simSwappedAt: null,
  deviceSwappedAt: null,
  callForwardingActive: false,
  simSwappedAtMs: null,
  deviceSwappedAtMs: null,
});

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp to epoch ms; undefined when malformed or naming an impossible date. */
export function parseRfc3339(value: string): number | undefined {
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  if (calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.parse(value.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

const PATCH_FIELDS = new Set([
  'known',
  'simSwappedAt',
  'deviceSwappedAt',
  'callForwardingActive',
  'deviceSwapDateField',
  'monitoredPeriodDays',
  'serviceNotApplicable',
  'notImplemented',
]);
const MAX_MONITORED_PERIOD_DAYS = 3650;

export type PatchValidation = { ok: true; patch: SubscriberPatch } | { ok: false; message: string };

/** Validates an admin body describing a subscriber; unknown fields are refused so typos do not pass silently. */
export function validateSubscriberPatch(input: unknown): PatchValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, message: 'subscriber must be a JSON object' };
  }
  const body = input as Record<string, unknown>;
  const patch: SubscriberPatch = {};
  for (const key of Object.keys(body)) {
    if (!PATCH_FIELDS.has(key)) return { ok: false, message: `unknown field "${key}"` };
  }
  for (const field of ['simSwappedAt', 'deviceSwappedAt'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (value !== null && (typeof value !== 'string' || parseRfc3339(value) === undefined)) {
      return { ok: false, message: `${field} must be an RFC 3339 timestamp or null` };
    }
    patch[field] = value;
  }
  const period = body.monitoredPeriodDays;
  if (Object.hasOwn(body, 'monitoredPeriodDays')) {
    if (period != null && (!Number.isInteger(period) || (period as number) < 0 || (period as number) > MAX_MONITORED_PERIOD_DAYS)) {
      return { ok: false, message: `monitoredPeriodDays must be an integer in 0..${MAX_MONITORED_PERIOD_DAYS} or null` };
    }
    // null removes the limit
    patch.monitoredPeriodDays = period == null ? undefined : (period as number);
  }
  for (const field of ['known', 'callForwardingActive', 'serviceNotApplicable', 'notImplemented'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') return { ok: false, message: `${field} must be a boolean` };
    patch[field] = value;
  }
  const dateField = body.deviceSwapDateField;
  if (dateField !== undefined) {
    if (!DEVICE_SWAP_DATE_FIELDS.includes(dateField as DeviceSwapDateField)) {
      return { ok: false, message: `deviceSwapDateField must be one of ${DEVICE_SWAP_DATE_FIELDS.join(', ')}` };
    }
    patch.deviceSwapDateField = dateField as DeviceSwapDateField;
  }
  return { ok: true, patch };
}

/**
 * What the simulated network knows about each number. Numbers never configured are clean, known subscribers,
 * so load tests can use any valid number without seeding.
 */
export class SubscriberRegistry {
  private readonly subscribers = new Map<string, StoredSubscriber>();

  constructor(public deviceSwapDateField: DeviceSwapDateField = 'latestDeviceChange') {}

  lookup(phoneNumber: string): Readonly<StoredSubscriber> {
    return this.subscribers.get(phoneNumber) ?? CLEAN_SUBSCRIBER;
  }

  get(phoneNumber: string): SubscriberState {
    return toPublicState(this.lookup(phoneNumber));
  }

  /** Merges the patch into the subscriber's current state; throws on invalid input (validate first to answer 400). */
  set(phoneNumber: string, patch: SubscriberPatch): SubscriberState {
    if (!isE164(phoneNumber)) throw new Error('phone number must be E.164');
    const checked = validateSubscriberPatch(patch);
    if (!checked.ok) throw new Error(checked.message);
    const merged: SubscriberState = { ...toPublicState(this.lookup(phoneNumber)), ...checked.patch };
    this.subscribers.set(phoneNumber, {
      ...merged,
      simSwappedAtMs: merged.simSwappedAt === null ? null : (parseRfc3339(merged.simSwappedAt) ?? null),
      deviceSwappedAtMs: merged.deviceSwappedAt === null ? null : (parseRfc3339(merged.deviceSwappedAt) ?? null),
    });
    return merged;
  }

  /** Forgets one number: it is a clean, known subscriber again. */
  delete(phoneNumber: string): boolean {
    return this.subscribers.delete(phoneNumber);
  }

  clear(): void {
    this.subscribers.clear();
  }

  /** Every explicitly configured subscriber. */
  list(): Record<string, SubscriberState> {
    const out: Record<string, SubscriberState> = {};
    for (const [phoneNumber, stored] of this.subscribers) out[phoneNumber] = toPublicState(stored);
    return out;
  }

  get size(): number {
    return this.subscribers.size;
  }
}

function toPublicState(stored: Readonly<StoredSubscriber>): SubscriberState {
  const state: SubscriberState = {
    known: stored.known,
    simSwappedAt: stored.simSwappedAt,
    deviceSwappedAt: stored.deviceSwappedAt,
    callForwardingActive: stored.callForwardingActive,
  };
  if (stored.deviceSwapDateField) state.deviceSwapDateField = stored.deviceSwapDateField;
  if (stored.monitoredPeriodDays !== undefined) state.monitoredPeriodDays = stored.monitoredPeriodDays;
  if (stored.serviceNotApplicable) state.serviceNotApplicable = true;
  if (stored.notImplemented) state.notImplemented = true;
  return state;
}
