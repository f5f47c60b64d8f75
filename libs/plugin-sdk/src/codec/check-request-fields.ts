import { GatewayError } from '../errors/gateway-error.js';
import { isObject, type Json } from './json-readers.js';

/**
 * Checks of a request's top-level fields, shared by the protocol plugins' request validators
 * (`validateRequest` of a ProtocolCodec): each plugin lists its protocol's documented fields with
 * one check each; the kernel runs them before routing, so a malformed field is a 400 naming it
 * (before an unknown model's 404), on passthrough as on translation. Fields a table does not
 * list pass through untouched.
 */

/** What a value must be, as the error message says it ("a boolean"), or null when it is fine. */
export type FieldCheck = (value: unknown) => string | null;

/** One check per field name. */
export type FieldRules = Readonly<Record<string, FieldCheck>>;

const describeRange = (min?: number, max?: number): string =>
  min !== undefined && max !== undefined
    ? ` from ${min} to ${max}`
    : min !== undefined
      ? ` ≥ ${min}`
      : max !== undefined
        ? ` ≤ ${max}`
        : '';

function numberCheck(kind: 'a number' | 'an integer', min?: number, max?: number): FieldCheck {
  const expected = `${kind}${describeRange(min, max)}`;
  return (v) =>
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    (kind === 'an integer' && !Number.isInteger(v)) ||
    (min !== undefined && v < min) ||
    (max !== undefined && v > max)
      ? expected
      : null;
}

export const fieldChecks = {
  string: ((v) => (typeof v === 'string' ? null : 'a string')) as FieldCheck,
  boolean: ((v) => (typeof v === 'boolean' ? null : 'true or false')) as FieldCheck,
  object: ((v) => (isObject(v) ? null : 'an object')) as FieldCheck,
  number: (range: { min?: number; max?: number } = {}): FieldCheck => numberCheck('a number', range.min, range.max),
  integer: (range: { min?: number; max?: number } = {}): FieldCheck => numberCheck('an integer', range.min, range.max),
  /** A string with at most `max` characters. */
  shortString:
    (max: number): FieldCheck =>
    (v) =>
      typeof v === 'string' && v.length <= max ? null : `a string of at most ${max} characters`,
  oneOf:
    (...values: readonly string[]): FieldCheck =>
    (v) =>
      typeof v === 'string' && values.includes(v) ? null : `one of ${values.map((x) => `"${x}"`).join(', ')}`,
  /** An array whose items all pass `item` (described as "an array of <what>"). */
  arrayOf:
    (item: FieldCheck, what: string): FieldCheck =>
    (v) =>
      Array.isArray(v) && v.every((x) => item(x) === null) ? null : `an array of ${what}`,
  /** The first check that accepts the value wins; the message joins what each expects. */
  either:
    (...checks: readonly FieldCheck[]): FieldCheck =>
    (v) => {
      const expected: string[] = [];
      for (const check of checks) {
        const e = check(v);
        if (e === null) return null;
        expected.push(e);
      }
      return expected.join(' or ');
    },
  /** An object of at most `maxKeys` string values (request metadata). */
  stringMap:
    (maxKeys: number): FieldCheck =>
    (v) =>
      isObject(v) && Object.keys(v).length <= maxKeys && Object.values(v).every((x) => typeof x === 'string')
        ? null
        : `an object of at most ${maxKeys} string values`,
};

/** Each rule set as a Map, made once: a lookup by the body's key without reading every rule. */
const ruleMaps = new WeakMap<FieldRules, ReadonlyMap<string, FieldCheck>>();

function ruleMapOf(rules: FieldRules): ReadonlyMap<string, FieldCheck> {
  let map = ruleMaps.get(rules);
  if (!map) {
    map = new Map(Object.entries(rules));
    ruleMaps.set(rules, map);
  }
  return map;
}

/**
 * Throws a 400 naming the first field of `body` that `rules` rejects, and for each of
 * `required` that is absent. A field that is absent or `null` is not checked (null stands for
 * "not set", as the codecs' readers treat it).
 *
 * The body's own keys (a handful) are looked up in the rules, rather than every rule (dozens) read
 * from the body: each of those reads was a megamorphic keyed load, about 5,000 instructions per
 * chat request in all (issue #19, callgrind). Should a field fail, the rules are walked in their
 * order, so the error names the same field as always.
 */
export function checkRequestFields(body: Json, rules: FieldRules, required: readonly string[] = []): void {
  for (const key of required) {
    const v = body[key];
    if (v === undefined || v === null) throw GatewayError.invalidRequest(`${key}: required, ${rules[key]?.(undefined) ?? 'a value'}`, key);
  }
  const map = ruleMapOf(rules);
  for (const key in body) {
    const check = map.get(key);
    if (check === undefined) continue;
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (check(v) !== null) throwFirstRejected(body, rules);
  }
}

/** The error for the first field, in the rules' order, that its rule rejects. */
function throwFirstRejected(body: Json, rules: FieldRules): void {
  for (const key in rules) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    const expected = rules[key]!(v);
    if (expected !== null) throw GatewayError.invalidRequest(`${key}: expected ${expected}`, key);
  }
}
