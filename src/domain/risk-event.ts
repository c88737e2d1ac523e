/** The validated, normalised shape of an inbound event (Kafka, HTTP and gRPC alike). */
export type EventType = 'login' | 'transaction';
export const EVENT_TYPES: readonly EventType[] = ['login', 'transaction'];

export type LoginChannel = 'web' | 'mobile' | 'api' | 'branch' | 'call_center';
export type OtpChannel = 'sms' | 'voice' | 'app' | 'none';
export type TransactionType = 'payment' | 'transfer' | 'withdrawal' | 'card';

interface RiskEventBase {
  eventId: string;
  occurredAt: string; // RFC 3339
  accountId: string;
  phoneNumber: string; // E.164
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
