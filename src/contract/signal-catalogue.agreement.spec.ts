import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { SIGNAL_CATALOGUE, SIGNAL_NAMES, type SignalName } from '../domain/signal-catalogue.js';

// The catalogue (domain/signal-catalogue.ts) declares each signal once; the contract files are written by hand
// for their readers. This holds them together: a signal added, renamed or reshaped on one side fails here.
const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

type Catalogue = typeof SIGNAL_CATALOGUE;
type JsonSchema = { $defs: Record<string, JsonObject>; properties: { signals: JsonObject } };
type JsonObject = { required?: string[]; properties?: Record<string, JsonObject>; $ref?: string };

/** The fields every signal shares in riskwire.v1.Signal, beside the catalogue's value fields. */
const COMMON_PROTO_FIELDS = ['status', 'reason', 'value_json', 'provider'];

/** Disagreements between the catalogue and the decision's JSON Schema (empty when they agree). */
function schemaDisagreements(catalogue: Catalogue, schema: JsonSchema): string[] {
  const problems: string[] = [];
  const names = Object.keys(catalogue);
  const signals = schema.properties.signals;
  const declared = Object.keys(signals.properties ?? {});
  if ([...(signals.required ?? [])].sort().join() !== [...names].sort().join())
    problems.push(`signals.required is [${signals.required?.join(', ')}], the catalogue has [${names.join(', ')}]`);
  if ([...declared].sort().join() !== [...names].sort().join())
    problems.push(`signals.properties are [${declared.join(', ')}], the catalogue has [${names.join(', ')}]`);
  for (const name of names as SignalName[]) {
    const valueRef = signals.properties?.[name]?.properties?.value?.$ref;
    const value = valueRef === undefined ? undefined : schema.$defs[valueRef.replace('#/$defs/', '')];
    const fields = Object.keys(value?.properties ?? {}).sort();
    const expected = [...catalogue[name].contract.json].sort();
    if (fields.join() !== expected.join())
      problems.push(`signals.${name}.value has [${fields.join(', ')}], the catalogue [${expected.join(', ')}]`);
  }
  return problems;
}

/** Disagreements between the catalogue and proto/riskwire/v1/risk.proto (empty when they agree). */
function protoDisagreements(catalogue: Catalogue, proto: string): string[] {
  const problems: string[] = [];
  const signalMessage = /^message Signal \{\n([\s\S]*?)^\}/m.exec(proto)?.[1] ?? '';
  const fields = new Set([...signalMessage.matchAll(/^\s*(?:optional\s+)?\w+\s+(\w+)\s*=\s*\d+;/gm)].map((m) => m[1]));
  const wanted = new Set([...COMMON_PROTO_FIELDS, ...Object.values(catalogue).flatMap((d) => d.contract.proto)]);
  for (const field of wanted) if (!fields.has(field)) problems.push(`riskwire.v1.Signal has no field ${field}`);
  // Every message carrying the signals map documents its keys in the comment above it.
  const listed = [...proto.matchAll(/\/\/ ([^\n]*)\n\s*map<string, Signal> signals = \d+;/g)].map((m) => m[1]);
  if (listed.length === 0) problems.push('no `map<string, Signal> signals` field found');
  const names = Object.keys(catalogue).join(', ');
  for (const comment of listed)
    if (comment !== names) problems.push(`the signals map is documented as "${comment}", the catalogue has "${names}"`);
  return problems;
}

const schema = JSON.parse(read('schemas/decision.v1.schema.json')) as JsonSchema;
const proto = read('proto/riskwire/v1/risk.proto');

describe('the signal catalogue and the contract files', () => {
  it('the decision JSON Schema names every signal of the catalogue, with its value fields', () => {
    expect(schemaDisagreements(SIGNAL_CATALOGUE, schema)).toEqual([]);
  });

  it('riskwire.v1.Signal carries every proto field of the catalogue, and the signals map lists its names', () => {
    expect(protoDisagreements(SIGNAL_CATALOGUE, proto)).toEqual([]);
  });

  it('docs/policy.md documents every reason code the catalogue declares', () => {
    const policyDoc = read('docs/policy.md');
    const undocumented = SIGNAL_NAMES.flatMap((name) => SIGNAL_CATALOGUE[name].reasonCodes).filter((code) => !policyDoc.includes(code));
    expect(undocumented).toEqual([]);
  });

  it('the default policy file configures every signal of the catalogue', () => {
    const policy = JSON.parse(read('policies/default-policy.json')) as { signals: Record<string, unknown> };
    expect(Object.keys(policy.signals).sort()).toEqual([...SIGNAL_NAMES].sort());
  });

  // The checks must be able to fail: a catalogue with a fourth signal, or a value field the files lack, disagrees.
  it('notices a signal the contract files do not know', () => {
    const withRoaming = {
      ...SIGNAL_CATALOGUE,
      roaming: { ...SIGNAL_CATALOGUE.callForwarding, contract: { json: ['roaming'], proto: ['roaming'] } },
    } as unknown as Catalogue;
    expect(schemaDisagreements(withRoaming, schema)).toEqual([
      expect.stringContaining('signals.required'),
      expect.stringContaining('signals.properties'),
      'signals.roaming.value has [], the catalogue [roaming]',
    ]);
    expect(protoDisagreements(withRoaming, proto)).toEqual([
      'riskwire.v1.Signal has no field roaming',
      ...Array(3).fill(expect.stringContaining('documented as "simSwap, deviceSwap, callForwarding"')),
    ]);
  });

  it('notices a value field dropped from the files', () => {
    const withoutActive = proto.replace(/optional bool active = \d+;/, '');
    expect(protoDisagreements(SIGNAL_CATALOGUE, withoutActive)).toEqual(['riskwire.v1.Signal has no field active']);
    const reshaped = structuredClone(schema);
    delete reshaped.$defs.callForwardingObservation.properties!.active;
    expect(schemaDisagreements(SIGNAL_CATALOGUE, reshaped)).toEqual(['signals.callForwarding.value has [], the catalogue [active]']);
  });
});
