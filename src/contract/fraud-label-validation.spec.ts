import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { validateFraudLabel } from './fraud-label-validation.js';

const schema = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../schemas/fraud-label.v1.schema.json', import.meta.url)), 'utf8'),
) as object;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const bySchema = ajv.compile(schema);

const good = { eventId: 'evt-tx-0001', label: 'fraud', labeledAt: '2026-11-25T09:00:00Z', source: 'chargeback-feed' };

describe('validateFraudLabel', () => {
  it('accepts a label, with or without a reason, and drops unknown fields', () => {
    expect(validateFraudLabel(good)).toEqual({ ok: true, label: good });
    expect(validateFraudLabel({ ...good, label: 'legit', reason: 'customer confirmed', extra: 1 })).toEqual({
      ok: true,
      label: { ...good, label: 'legit', reason: 'customer confirmed' },
    });
  });

  it('names every bad field with its code, never quoting the value', () => {
    const result = validateFraudLabel({ eventId: 'evt 1', label: 'maybe', labeledAt: '2026-11-25', source: '', reason: 'x'.repeat(501) });
    expect(result.ok).toBe(false);
    const details = result.ok ? [] : result.details;
    expect(details.map((d) => [d.field, d.code])).toEqual([
      ['eventId', 'PARAMETER_INVALID'],
      ['label', 'UNKNOWN_ENUM_VALUE'],
      ['labeledAt', 'INVALID_DATETIME_FORMAT'],
      ['source', 'PARAMETER_INVALID'],
      ['reason', 'PARAMETER_TOO_LONG'],
    ]);
    expect(JSON.stringify(details)).not.toContain('maybe');
  });

  it('requires the four fields and an object', () => {
    const result = validateFraudLabel({});
    expect(result.ok ? [] : result.details.map((d) => `${d.field}:${d.code}`)).toEqual([
      'eventId:PARAMETER_REQUIRED',
      'label:PARAMETER_REQUIRED',
      'labeledAt:PARAMETER_REQUIRED',
      'source:PARAMETER_REQUIRED',
    ]);
    expect(validateFraudLabel([]).ok).toBe(false);
    expect(validateFraudLabel({ ...good, eventId: 7 })).toMatchObject({
      ok: false,
      details: [{ field: 'eventId', code: 'PARAMETER_INVALID_TYPE' }],
    });
  });

  it('agrees with schemas/fraud-label.v1.schema.json', () => {
    const cases: unknown[] = [
      good,
      { ...good, reason: 'r' },
      { ...good, label: 'maybe' },
      { ...good, labeledAt: 'yesterday' },
      { ...good, eventId: '' },
      { ...good, source: '-x' },
      { ...good, reason: 'x'.repeat(501) },
      { eventId: 'e', label: 'legit', labeledAt: '2026-11-25T09:00:00+01:00' },
    ];
    for (const c of cases) expect([c, validateFraudLabel(c).ok]).toEqual([c, bySchema(c)]);
  });
});
