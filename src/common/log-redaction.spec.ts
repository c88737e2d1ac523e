import { describe, expect, it } from '@jest/globals';
import { pino, type Logger } from 'pino';
import { PINO_PRIVACY_OPTIONS, maskDigitRuns, maskPhoneNumbersInText } from './log-redaction.js';

describe('maskPhoneNumbersInText', () => {
  it('masks every E.164 number in a line and leaves other numbers alone', () => {
    const line = 'lookup for +491701234567 and +14155550123 failed after 1500 ms (offset 123456789)';
    const masked = maskPhoneNumbersInText(line);
    expect(masked).not.toContain('+491701234567');
    expect(masked).not.toContain('+14155550123');
    expect(masked).toContain('+49******4567');
    expect(masked).toContain('1500 ms (offset 123456789)');
  });
});

describe('maskPhoneNumbersInText, other spellings', () => {
  it.each([
    ['grouped', 'call +49 170 1234567 now'],
    ['international prefix 00', 'number 00491701234567 unknown'],
    ['URL-encoded plus', 'GET /v1/decisions?phone=%2B491701234567'],
  ])('%s', (_case, line) => {
    expect(maskPhoneNumbersInText(line)).not.toMatch(/1701234|0123456/);
  });
});

describe('maskDigitRuns (client-facing messages)', () => {
  it('hides every digit of a run of 7 or more, keeps short numbers', () => {
    expect(maskDigitRuns('type "491701234567" and +49 170 1234567 at most 128 characters')).toBe(
      'type "************" and +** *** ******* at most 128 characters',
    );
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed log line, read field by field below
type LogLine = Record<string, any>;

describe('the real pino logger with the service’s privacy options', () => {
  const PHONE = '+491701234567';
  const DIGITS = /1701234|70123456/;

  function logLine(log: (logger: Logger) => void): string {
    const lines: string[] = [];
    const logger = pino({ ...PINO_PRIVACY_OPTIONS, level: 'info' }, { write: (line: string) => lines.push(line) });
    log(logger);
    expect(lines).toHaveLength(1);
    return lines[0]!;
  }

  it('masks phone fields at the top, inside event/body/req objects and deeper, under every usual name', () => {
    const line = logLine((logger) =>
      logger.warn(
        {
          phoneNumber: PHONE,
          event: { eventId: 'e-1', phoneNumber: PHONE },
          req: { body: { phone_number: PHONE } },
          upstream: { request: { json: { msisdn: '491701234567' } } },
          batch: [{ payload: { phoneNumber: PHONE } }],
        },
        'lookup failed',
      ),
    );
    expect(line).not.toMatch(DIGITS);
    const parsed = JSON.parse(line) as LogLine;
    expect(parsed.phoneNumber).toBe('+49******4567');
    expect(parsed.event).toEqual({ eventId: 'e-1', phoneNumber: '+49******4567' });
    expect(parsed.req.body.phone_number).toBe('+49******4567');
    expect(parsed.upstream.request.json.msisdn).toBe('49******4567');
    expect(parsed.batch[0].payload.phoneNumber).toBe('+49******4567');
  });

  it('masks numbers in messages, in strings of other fields and in a logged error’s message and stack', () => {
    const line = logLine((logger) =>
      logger.error({ err: new Error(`upstream said: unknown subscriber ${PHONE}`), note: `retry ${PHONE} later` }, `failed for ${PHONE}`),
    );
    expect(line).not.toMatch(DIGITS);
    const parsed = JSON.parse(line) as LogLine;
    expect(parsed.msg).toBe('failed for +49******4567');
    expect(parsed.err.message).toBe('upstream said: unknown subscriber +49******4567');
    expect(parsed.err.stack).toContain('+49******4567');
    expect(parsed.note).toBe('retry +49******4567 later');
  });

  it('removes secrets and keeps what is not personal', () => {
    const line = logLine((logger) =>
      logger.info(
        { req: { headers: { authorization: 'Bearer s3cret', apikey: 'k3y' } }, apiKey: 'k3y', offset: '123456789', count: 3 },
        'ok',
      ),
    );
    expect(line).not.toMatch(/s3cret|k3y/);
    expect(JSON.parse(line)).toMatchObject({ offset: '123456789', count: 3 });
  });

  it('hides a failed Redis command’s arguments and the password of a Redis URL in any string', () => {
    const err = Object.assign(new Error('WRONGPASS for rediss://:hunter2pw@cache:6380/0.'), {
      command: { name: 'auth', args: ['hunter2pw'] },
    });
    const line = logLine((logger) =>
      logger.error({ err, target: 'redis://:hunter2pw@cache:6379' }, 'cannot reach redis://:hunter2pw@cache:6379'),
    );
    expect(line).not.toContain('hunter2pw');
    const parsed = JSON.parse(line) as LogLine;
    expect(parsed.err.command.args).toBe('[redacted]');
    expect(parsed.err.message).toContain('rediss://:***@cache:6380/0');
    expect(parsed.msg).toBe('cannot reach redis://:***@cache:6379');
  });
});
