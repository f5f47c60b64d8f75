/**
 * A JSON Schema in the subset Claude's structured outputs accept (output_config.format, strict tools), as
 * Anthropic's own SDKs prepare one: every object closed with `additionalProperties: false`; constraints
 * structured outputs do not support (numeric bounds, string lengths, array sizes other than minItems 0/1,
 * unsupported string formats, …) taken out of the schema and written into its `description`, so the model
 * still reads them. Subschemas (properties, items, anyOf/oneOf/allOf, $defs/definitions) are fitted too;
 * `oneOf` becomes `anyOf`. The input is not modified.
 * https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations
 */

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** String formats structured outputs support. */
const STRING_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);

/** Keywords kept as they are (annotations and the supported structure), besides the ones handled below. */
const KEPT = new Set(['type', 'title', 'description', 'enum', 'const', 'required', 'default', '$ref', 'pattern']);

/** Keywords that only name the dialect or an id: dropped, not worth a description. */
const DIALECT = new Set(['$schema', '$id', '$comment']);

const fitMap = (map: unknown): Schema | undefined =>
  isObject(map) ? Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, fitAnthropicJsonSchema(sub)])) : undefined;

const fitList = (list: unknown): unknown[] | undefined =>
  Array.isArray(list) ? list.map((sub) => fitAnthropicJsonSchema(sub)) : undefined;

function isObjectSchema(schema: Schema): boolean {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes('object') || isObject(schema.properties);
}

/** Appends the constraints that were taken out to the description (`{minimum: 1, maxLength: 5}`). */
function describeMoved(out: Schema, moved: Array<[string, unknown]>): void {
  if (moved.length === 0) return;
  const note = `{${moved.map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(', ')}}`;
  out.description = typeof out.description === 'string' && out.description !== '' ? `${out.description}\n\n${note}` : note;
}

/** The schema fitted to Claude's structured-output subset (a fresh object; non-objects are returned as they are). */
export function fitAnthropicJsonSchema(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const out: Schema = {};
  const moved: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(schema)) {
    if (DIALECT.has(key)) continue;
    if (KEPT.has(key)) out[key] = structuredClone(value);
    else if (key === 'properties' || key === '$defs' || key === 'definitions') out[key] = fitMap(value) ?? structuredClone(value);
    else if (key === 'anyOf' || key === 'allOf') out[key] = fitList(value) ?? structuredClone(value);
    else if (key === 'oneOf') out.anyOf = fitList(value) ?? structuredClone(value);
    else if (key === 'items') out.items = fitAnthropicJsonSchema(value);
    else if (key === 'additionalProperties') {
      if (value !== false && value !== true && isObject(value)) moved.push([key, value]);
    } else if (key === 'format' && typeof value === 'string' && STRING_FORMATS.has(value)) out.format = value;
    else if (key === 'minItems' && (value === 0 || value === 1)) out.minItems = value;
    else moved.push([key, value]);
  }
  if (isObjectSchema(out)) out.additionalProperties = false;
  describeMoved(out, moved);
  return out;
}
