import { describe, expect, it } from '@jest/globals';
import { DeterministicFailure } from '../domain/deterministic-failure.js';
import { classifyFailure } from './failure-classification.js';

class KafkaJSNumberOfRetriesExceeded extends Error {
  override name = 'KafkaJSNumberOfRetriesExceeded';
}

describe('classifyFailure', () => {
  it('dead-letters a deterministic failure at once with its own code', () => {
    const failure = new DeterministicFailure('EVENT_ID_CONFLICT', 'event id reused', [
      { field: 'eventId', code: 'PARAMETER_INVALID', message: 'reused' },
    ]);
    expect(classifyFailure(failure)).toEqual({
      kind: 'deterministic',
      error: {
        code: 'EVENT_ID_CONFLICT',
        message: 'event id reused',
        details: [{ field: 'eventId', code: 'PARAMETER_INVALID', message: 'reused' }],
      },
    });
  });

  it('takes programming errors and non-errors as unexpected', () => {
    for (const e of [
      new TypeError('x is undefined'),
      new RangeError('Maximum call stack size exceeded'),
      new SyntaxError('bad'),
      new ReferenceError('r'),
      'a string',
      undefined,
      { code: 1 },
    ]) {
      expect(classifyFailure(e)).toEqual({ kind: 'unexpected' });
    }
  });

  it('takes infrastructure errors as transient', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    for (const e of [new KafkaJSNumberOfRetriesExceeded('broker gone'), new Error('Connection is closed.'), refused]) {
      expect(classifyFailure(e)).toEqual({ kind: 'transient' });
    }
  });
});
