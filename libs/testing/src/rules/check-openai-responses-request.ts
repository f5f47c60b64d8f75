/**
 * What the OpenAI Responses API (`POST /v1/responses`) rejects with 400, one rule a function,
 * each citing the page that documents it. The strict fakes run every rule on every request.
 */
import { isObject, openAiInvalidRequest, type Body, type ProviderRejection } from './provider-rejection.js';

/** Why a schema is not a strict one (every object closed and listing all its properties as required); null when it is. */
function strictSchemaViolation(schema: unknown, path: string): string | null {
  if (!isObject(schema)) return null;
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  if (schema.type === 'object' || properties) {
    if (schema.additionalProperties !== false) {
      return `Invalid schema for function '${path}': In context=(), 'additionalProperties' is required to be supplied and to be false.`;
    }
    const required: unknown[] = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties ?? {}).find((name) => !required.includes(name));
    if (missing !== undefined) {
      return `Invalid schema for function '${path}': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
  }
  const children: unknown[] = [
    ...Object.values(properties ?? {}),
    schema.items,
    ...(Array.isArray(schema.anyOf) ? schema.anyOf : []),
    ...Object.values(isObject(schema.$defs) ? schema.$defs : {}),
    ...Object.values(isObject(schema.definitions) ? schema.definitions : {}),
  ];
  for (const child of children) {
    const found = strictSchemaViolation(child, path);
    if (found) return found;
  }
  return null;
}

/**
 * Function tools are strict unless they say `strict: false`, and a strict schema has
 * `additionalProperties: false` on every object and lists every property in `required`.
 * https://platform.openai.com/docs/guides/function-calling#strict-mode ("If you omit strict …
 * Responses requests will normalize your schema into strict mode … which can make previously
 * optional fields mandatory … To opt out … explicitly set strict: false"; a `strict: true`
 * schema that does not meet the requirements is rejected). The fake rejects the omitted-strict
 * case too: the real API would silently make optional parameters required, a change of meaning
 * a test must see.
 */
export function rejectNonStrictSchemaOfStrictTool(body: Body): ProviderRejection | null {
  const tools: unknown[] = Array.isArray(body.tools) ? body.tools : [];
  for (const [i, tool] of tools.entries()) {
    if (!isObject(tool) || tool.type !== 'function' || tool.strict === false) continue;
    const problem = strictSchemaViolation(tool.parameters ?? { type: 'object', properties: {} }, String(tool.name));
    if (problem) return openAiInvalidRequest(problem, `tools[${i}].parameters`, 'invalid_function_parameters');
  }
  return null;
}

/**
 * With `store: false` nothing is persisted, so nothing can be referred to by id: an
 * `item_reference`, a reasoning item with an `id` but no `encrypted_content`, or a
 * `previous_response_id` → 400. https://platform.openai.com/docs/api-reference/responses/create
 * (`include`: "reasoning.encrypted_content … enables reasoning items to be used in multi-turn
 * conversations when using the Responses API statelessly (like when the store parameter is set to
 * false …)") and https://platform.openai.com/docs/guides/conversation-state (previous_response_id
 * chains stored responses); the message is the API's, as quoted in
 * https://community.openai.com/t/requests-api-does-not-support-manual-context-management/1269225.
 */
export function rejectStoredReferencesWithoutStore(body: Body): ProviderRejection | null {
  if (body.store !== false) return null;
  if (typeof body.previous_response_id === 'string') {
    return openAiInvalidRequest(
      `Previous response with id '${body.previous_response_id}' not found.`,
      'previous_response_id',
      'previous_response_not_found',
    );
  }
  const input: unknown[] = Array.isArray(body.input) ? body.input : [];
  for (const item of input) {
    if (!isObject(item)) continue;
    const byId = item.type === 'item_reference' || (item.type === 'reasoning' && typeof item.id === 'string' && !item.encrypted_content);
    if (byId) {
      return openAiInvalidRequest(
        `Item with id '${String(item.id)}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
        'input',
      );
    }
  }
  return null;
}

const RULES = [rejectNonStrictSchemaOfStrictTool, rejectStoredReferencesWithoutStore];

/** The first Responses rule a request body breaks, as the API's 400; null when it passes them all. */
export function checkOpenAiResponsesRequest(body: unknown): ProviderRejection | null {
  if (!isObject(body)) return openAiInvalidRequest('We could not parse the JSON body of your request.', null);
  for (const rule of RULES) {
    const rejection = rule(body);
    if (rejection) return rejection;
  }
  return null;
}
