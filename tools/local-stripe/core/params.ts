// What stripe-node sends, read the way Stripe reads it: form bodies and query strings in
// bracket notation, every value a string ('' meaning "unset" where Stripe allows it).
import { invalid, missingParam } from './errors';
import type { StripeObject } from './types';

/** Parses `a[b][0][c]=v&expand[]=x` (stripe-node's encoding, and `[]` appends) into nested objects/arrays of strings. */
export function parseBracketParams(text: string): StripeObject {
  const root: StripeObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match) {
      root[rawKey] = value;
      continue;
    }
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let node: StripeObject = root;
    path.forEach((segment, index) => {
      const key = segment === '' ? String(Object.keys(node).length) : segment;
      if (index === path.length - 1) {
        node[key] = value;
      } else {
        if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
        node = node[key];
      }
    });
  }
  return arrayify(root, '') as StripeObject;
}

function arrayify(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const object = value as StripeObject;
  const keys = Object.keys(object);
  for (const k of keys) object[k] = key === 'metadata' ? object[k] : arrayify(object[k], k);
  if (key !== 'metadata' && keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => object[k]);
  }
  return object;
}

// Param coercion: form values are strings; '' means "unset" where Stripe allows it.
export function str(params: StripeObject, name: string, param = name): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`Invalid string: ${JSON.stringify(value)}`, param, 'parameter_invalid_string');
  return value;
}
export function requiredStr(params: StripeObject, name: string, param = name): string {
  const value = str(params, name, param);
  if (value === undefined || value === '') throw missingParam(param);
  return value;
}
export function bool(params: StripeObject, name: string, param = name): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  throw invalid(`Invalid boolean: ${String(value)}`, param, 'parameter_invalid_boolean');
}
export function int(params: StripeObject, name: string, param = name): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw invalid(`Invalid integer: ${String(value)}`, param, 'parameter_invalid_integer');
  return Number(value);
}
export function array(params: StripeObject, name: string, param = name): unknown[] | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) return [];
  throw invalid(`Invalid array`, param, 'parameter_invalid_array');
}
export function obj(params: StripeObject, name: string, param = name): StripeObject | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`Invalid object`, param, 'parameter_invalid_object');
  return value;
}
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], param: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalid(`Invalid ${param}: must be one of ${allowed.join(', ')}`, param, 'parameter_invalid_string');
  }
  return value as T;
}
export function nullable(value: string | undefined): string | null | undefined {
  return value === '' ? null : value;
}

/** Applies a `metadata` param onto existing metadata with Stripe's rules ('' unsets a key; metadata='' clears). */
export function applyMetadata(current: Record<string, string>, params: StripeObject, param = 'metadata'): Record<string, string> {
  const value = params.metadata;
  if (value === undefined) return current;
  if (value === '') return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('Invalid hash', param, 'parameter_invalid_object');
  const next = { ...current };
  for (const [key, entry] of Object.entries(value as StripeObject)) {
    if (typeof entry !== 'string') throw invalid(`Invalid value for metadata key ${key}`, `${param}[${key}]`);
    if (key.length > 40) throw invalid(`Metadata keys can have up to 40 characters, but you passed in a key that is ${key.length} characters.`, param);
    if (entry.length > 500) throw invalid(`Metadata values can have up to 500 characters, but you passed in a value that is ${entry.length} characters.`, `${param}[${key}]`);
    if (entry === '') delete next[key];
    else next[key] = entry;
  }
  if (Object.keys(next).length > 50) throw invalid('You can only specify up to 50 keys in metadata.', param);
  return next;
}

export function checkUrl(value: string | undefined, param: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('Not a valid URL', param, 'url_invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('Not a valid URL', param, 'url_invalid');
  return value;
}

/** Typed seed values → the string form the API handlers take. */
export function toParams(value: unknown): any {
  if (value === undefined) return undefined;
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(toParams);
  if (typeof value === 'object') {
    const out: StripeObject = {};
    for (const [key, entry] of Object.entries(value as StripeObject)) if (entry !== undefined) out[key] = toParams(entry);
    return out;
  }
  return String(value);
}

/** `previous_attributes`: the top-level fields that changed, with their old values (metadata per key, like Stripe). */
export function previousAttributes(before: StripeObject, after: StripeObject, ignore: string[] = []): StripeObject {
  const previous: StripeObject = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (ignore.includes(key)) continue;
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (key === 'metadata' && before.metadata && after.metadata) {
      const meta: StripeObject = {};
      for (const k of new Set([...Object.keys(before.metadata), ...Object.keys(after.metadata)])) {
        if (before.metadata[k] !== after.metadata[k]) meta[k] = before.metadata[k] ?? null;
      }
      previous.metadata = meta;
    } else {
      previous[key] = before[key] === undefined ? null : structuredClone(before[key]);
    }
  }
  return previous;
}

