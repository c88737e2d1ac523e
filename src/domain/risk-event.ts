/** The validated, normalised shape of an inbound event (Kafka, HTTP and gRPC alike). */
export type EventType = 'login' | 'transaction';
export const EVENT_TYPES: readonly EventType[] = ['login', 'transaction'];

// The event's enumerations, each listed once: the contract validates against these lists, the OpenAPI
// schema shows them, the policy and the test kits build on them.
export const LOGIN_CHANNELS = ['web', 'mobile', 'api', 'branch', 'call_center'] as const;
export type LoginChannel = (typeof LOGIN_CHANNELS)[number];
export const OTP_CHANNELS = ['sms', 'voice', 'app', 'none'] as const;
export type OtpChannel = (typeof OTP_CHANNELS)[number];
export const TRANSACTION_TYPES = ['payment', 'transfer', 'withdrawal', 'card'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

interface RiskEventBase {
  eventId: string;
  occurredAt: string; // RFC 3339
  accountId: string;
  phoneNumber: string; // E.164: domain/phone-number.ts
}

export interface LoginEvent extends RiskEventBase {
  type: 'login';
  channel?: LoginChannel;
  ipAddress?: string;
  deviceId?: string;
  otpChannel?: OtpChannel;
}

export interface TransactionEvent extends RiskEventBase {
  type: 'transaction';
  /** value kept as a decimal string so no precision is lost; currency ISO 4217. */
  amount: { value: string; currency: string };
  transactionType?: TransactionType;
  beneficiaryId?: string;
  beneficiaryIsNew?: boolean;
}

export type RiskEvent = LoginEvent | TransactionEvent;
