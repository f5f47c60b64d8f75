import { GatewayError } from '@switchyard/plugin-sdk';
import { isObject, type Json } from './gemini-json.js';

/**
 * Schema keywords Gemini's `Schema` (an OpenAPI 3.0 subset) accepts; anything else (`$schema`,
 * `additionalProperties`, `$id`, `default`, `examples`, `not`, `if`/`then`, `patternProperties`,
 * `exclusiveMinimum`, `multipleOf`, `uniqueItems`, …) is left out.
 */
const KEPT = new Set([
  'description',
  'title',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minProperties',
  'maxProperties',
  'propertyOrdering',
]);

/** `format` values Gemini takes, per type. */
const FORMATS: Record<string, ReadonlySet<string>> = {
  string: new Set(['date-time', 'enum']),
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64']),
};

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array']);

/** `$ref`s are inlined at most this deep (recursive schemas are cut there). */
const MAX_REF_DEPTH = 8;

/**
 * Schemas nested deeper than this are refused with a 400 (the walk is recursive: an unbounded
 * depth would overflow the stack). Real tool schemas stay far below it.
 */
export const MAX_GEMINI_SCHEMA_DEPTH = 100;

interface Walk {
  root: Json;
  /** The `$ref`s being inlined on the way here (cycle and depth guard). */
  refs: string[];
  /** Schemas entered on the way here. */
  depth: number;
  /** The request field the schema came from, for the 400 (`tools`, `response_format`). */
  param: string;
}

/** The walk one schema deeper; a 400 past MAX_GEMINI_SCHEMA_DEPTH. */
function deeper(walk: Walk): Walk {
  if (walk.depth >= MAX_GEMINI_SCHEMA_DEPTH) {
    throw GatewayError.invalidRequest(
      `${walk.param}: the JSON Schema is nested deeper than ${MAX_GEMINI_SCHEMA_DEPTH} levels, more than the gateway translates for Gemini`,
      walk.param,
    );
  }
  return { ...walk, depth: walk.depth + 1 };
}

function resolveRef(ref: string, walk: Walk): Json | undefined {
  if (ref === '#') return walk.root;
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) return undefined;
  const defs = walk.root[m[1]!];
  const name = decodeURIComponent(m[2]!.replace(/~1/g, '/').replace(/~0/g, '~'));
  const target = isObject(defs) ? defs[name] : undefined;
  return isObject(target) ? target : undefined;
}

/** `{type: 'null'}` (or `null` in an enum): what makes a schema nullable rather than a type of its own. */
const isNullSchema = (s: unknown): boolean =>
  isObject(s) && (s.type === 'null' || (Array.isArray(s.enum) && s.enum.length === 1 && s.enum[0] === null));

function sanitizeNode(input: Json, outer: Walk): Json {
  const walk = deeper(outer);
  let schema = input;
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    const target = resolveRef(ref, walk);
    if (!target || walk.refs.includes(ref) || walk.refs.length >= MAX_REF_DEPTH) {
      const out: Json = { type: 'object' };
      if (typeof schema.description === 'string') out.description = schema.description;
      return out;
    }
    const { $ref: _ref, ...rest } = schema;
    return sanitizeNode({ ...target, ...rest }, { ...walk, refs: [...walk.refs, ref] });
  }

  // allOf: merged into one schema (Gemini has no allOf).
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema;
    const merged: Json = { ...rest };
    for (const part of allOf) {
      if (!isObject(part)) continue;
      const resolved = typeof part.$ref === 'string' ? (resolveRef(part.$ref, walk) ?? {}) : part;
      for (const [k, v] of Object.entries(resolved)) {
        if (k === 'properties' && isObject(v)) merged.properties = { ...(isObject(merged.properties) ? merged.properties : {}), ...v };
        else if (k === 'required' && Array.isArray(v)) merged.required = [...(Array.isArray(merged.required) ? merged.required : []), ...v];
        else merged[k] ??= v;
      }
    }
    schema = merged;
  }

  const out: Json = {};
  let nullable = schema.nullable === true;

  // anyOf / oneOf → anyOf; a null alternative → nullable.
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (alternatives) {
    const nonNull = alternatives.filter((a) => isObject(a) && !isNullSchema(a)) as Json[];
    if (nonNull.length < alternatives.length) nullable = true;
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    if (nonNull.length === 1) {
      const single = sanitizeNode(
        { ...nonNull[0]!, ...(typeof rest.description === 'string' ? { description: rest.description } : {}) },
        walk,
      );
      if (nullable) single.nullable = true;
      return single;
    }
    if (nonNull.length > 1) {
      out.anyOf = nonNull.map((a) => sanitizeNode(a, walk));
      for (const key of ['description', 'title'] as const) if (typeof rest[key] === 'string') out[key] = rest[key];
      if (nullable) out.nullable = true;
      return out;
    }
    schema = rest;
  }

  // type: a list with null → nullable; several → anyOf.
  let type: string | undefined;
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t): t is string => typeof t === 'string' && TYPES.has(t));
    if (schema.type.includes('null')) nullable = true;
    if (types.length > 1) {
      const { type: _t, ...rest } = schema;
      const anyOf = types.map((t) => sanitizeNode({ ...rest, type: t }, walk));
      const result: Json = { anyOf };
      if (nullable) result.nullable = true;
      return result;
    }
    type = types[0];
  } else if (typeof schema.type === 'string' && TYPES.has(schema.type)) {
    type = schema.type;
  }

  let values: unknown[] | undefined = Array.isArray(schema.enum) ? schema.enum : schema.const !== undefined ? [schema.const] : undefined;
  if (values?.includes(null)) {
    nullable = true;
    values = values.filter((v) => v !== null);
  }
  if (type === undefined) {
    if (isObject(schema.properties)) type = 'object';
    else if (schema.items !== undefined) type = 'array';
    else if (values && values.length > 0 && values.every((v) => typeof v === 'string')) type = 'string';
  }
  if (type) out.type = type;
  for (const key of KEPT) if (schema[key] !== undefined) out[key] = schema[key];
  if (typeof schema.format === 'string' && type && FORMATS[type]?.has(schema.format)) out.format = schema.format;

  if (values && values.length > 0) {
    // Gemini takes enums of strings only; other enums are kept as a hint in the description.
    if (type === 'string') out.enum = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    else {
      const hint = `One of: ${values.map((v) => JSON.stringify(v)).join(', ')}.`;
      out.description = typeof out.description === 'string' ? `${out.description} ${hint}` : hint;
    }
  }

  if (isObject(schema.properties)) {
    const properties: Json = {};
    for (const [name, prop] of Object.entries(schema.properties)) {
      properties[name] = isObject(prop) ? sanitizeNode(prop, walk) : {};
    }
    if (Object.keys(properties).length > 0) {
      out.properties = properties;
      if (Array.isArray(schema.required)) {
        const required = [...new Set(schema.required.filter((r): r is string => typeof r === 'string' && r in properties))];
        if (required.length > 0) out.required = required;
      }
    }
  }
  if (schema.items !== undefined) {
    const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
    if (isObject(items)) out.items = sanitizeNode(items, walk);
  } else if (type === 'array' && Array.isArray(schema.prefixItems) && isObject(schema.prefixItems[0])) {
    out.items = sanitizeNode(schema.prefixItems[0], walk);
  }
  if (nullable) out.nullable = true;
  return out;
}

/**
 * A JSON Schema (tool parameters, response_format) reduced to what Gemini's `Schema` accepts:
 * local `$ref`s inlined (recursion cut at a depth of 8), `allOf` merged, `oneOf` as `anyOf`,
 * `null` alternatives / `type: [x, "null"]` as `nullable`, `const` as a one-value enum, enums
 * of strings only (others become a hint in the description), `format`s Gemini knows, empty
 * `properties` and unknown `required` names left out, and every other keyword dropped. A schema
 * nested deeper than MAX_GEMINI_SCHEMA_DEPTH is a 400 naming `param`.
 */
export function sanitizeGeminiSchema(schema: Record<string, unknown>, param = 'tools'): Json {
  return sanitizeNode(schema, { root: schema, refs: [], depth: 0, param });
}

/** Whether a parameters schema declares nothing (an object without properties): Gemini then gets no `parameters`. */
export function isEmptyObjectSchema(schema: Json): boolean {
  return (schema.type === 'object' || schema.type === undefined) && !isObject(schema.properties) && schema.anyOf === undefined;
}
