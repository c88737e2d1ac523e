import { describe, expect, it } from '@jest/globals';
import { isAuthFailure, isRecordTooLarge, RecordTooLargeError } from './kafka-errors.js';

// kafkajs wraps the broker's error: KafkaJSNonRetriableError / KafkaJSNumberOfRetriesExceeded with the original as cause
const wrapped = (type: string) =>
  Object.assign(new Error('wrapper'), {
    name: 'KafkaJSNonRetriableError',
    cause: Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type }),
  });

describe('kafka errors', () => {
  it('recognises a too-large refusal anywhere in the cause chain', () => {
    expect(isRecordTooLarge(wrapped('MESSAGE_TOO_LARGE'))).toBe(true);
    expect(isRecordTooLarge(wrapped('RECORD_LIST_TOO_LARGE'))).toBe(true);
    expect(isRecordTooLarge(new RecordTooLargeError('t', 10))).toBe(true);
    expect(isRecordTooLarge(wrapped('NOT_ENOUGH_REPLICAS'))).toBe(false);
    expect(isRecordTooLarge(undefined)).toBe(false);
  });

  it('recognises authentication and authorization failures', () => {
    expect(isAuthFailure(Object.assign(new Error('SASL PLAIN authentication failed'), { name: 'KafkaJSSASLAuthenticationError' }))).toBe(
      true,
    );
    for (const type of [
      'TOPIC_AUTHORIZATION_FAILED',
      'GROUP_AUTHORIZATION_FAILED',
      'CLUSTER_AUTHORIZATION_FAILED',
      'SASL_AUTHENTICATION_FAILED',
    ]) {
      expect(isAuthFailure(wrapped(type))).toBe(true);
    }
    expect(isAuthFailure(Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' }))).toBe(
      false,
    );
  });

  it('survives a cause cycle', () => {
    const a: { name: string; cause?: unknown } = { name: 'A' };
    a.cause = a;
    expect(isAuthFailure(a)).toBe(false);
  });
});
