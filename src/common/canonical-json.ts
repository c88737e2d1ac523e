import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal documents hash equal whatever their key order. Its output is
 * a stored contract (event fingerprints in a shared decision store): a faster version must print the same text.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return out + ']';
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // the default sort compares UTF-16 code units, as the comparator (a < b) of the first version did
    const keys = Object.keys(object).sort();
    let out = '{';
    for (const key of keys) {
      const v = object[key];
      if (v === undefined) continue;
      out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(v);
    }
    return out + '}';
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256Hex(text: string): string {
  // one-shot: a third of the CPU of createHash().update().digest() for a short text
  return hash('sha256', text, 'hex');
}
