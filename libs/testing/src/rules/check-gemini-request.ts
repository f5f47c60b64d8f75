/**
 * What Gemini's generateContent / streamGenerateContent (Vertex AI and the Gemini API) rejects
 * with 400 INVALID_ARGUMENT, one rule a function, each citing the page that documents it. The
 * strict fakes run every rule on every generateContent request.
 */
import { googleInvalidArgument, isObject, type Body, type ProviderRejection } from './provider-rejection.js';

const contentsOf = (body: Body): Body[] => (Array.isArray(body.contents) ? body.contents.filter(isObject) : []);
const partsOf = (content: Body): Body[] => (Array.isArray(content.parts) ? content.parts.filter(isObject) : []);
const countParts = (content: Body, key: string): number => partsOf(content).filter((p) => p[key] !== undefined).length;

/**
 * A content's `role` is `user` or `model` (or unset). https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content
 * ("role: Optional. The producer of the content. Must be either 'user' or 'model'.")
 */
export function rejectUnknownRole(body: Body): ProviderRejection | null {
  for (const content of contentsOf(body)) {
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model') {
      return googleInvalidArgument('Please use a valid role: user, model.');
    }
  }
  return null;
}

/**
 * Function responses answer the function-call turn right before them, one response per call.
 * https://cloud.google.com/vertex-ai/generative-ai/docs/samples/generativeaionvertexai-function-calling-generate-parallel-calls
 * (the model's `functionCall` turn is followed by one content with all the `functionResponse`
 * parts); the messages are the API's, as reported in microsoft/semantic-kernel#12528 and
 * patterns-ai-core/langchainrb#993.
 */
export function rejectFunctionResponseWithoutCall(body: Body): ProviderRejection | null {
  const contents = contentsOf(body);
  for (const [i, content] of contents.entries()) {
    const responses = countParts(content, 'functionResponse');
    if (responses === 0) continue;
    const previous = contents[i - 1];
    const calls = previous && previous.role === 'model' ? countParts(previous, 'functionCall') : 0;
    if (calls === 0)
      return googleInvalidArgument('Please ensure that function response turn comes immediately after a function call turn.');
    if (calls !== responses) {
      return googleInvalidArgument(
        'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
      );
    }
  }
  return null;
}

/** The fields of Vertex AI's `Schema` (a subset of the OpenAPI 3.0 Schema Object). */
const SCHEMA_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'default',
  'items',
  'minItems',
  'maxItems',
  'enum',
  'properties',
  'propertyOrdering',
  'required',
  'minProperties',
  'maxProperties',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'additionalProperties',
  'ref',
  'defs',
]);

function unknownSchemaField(schema: unknown, at: string): string | null {
  if (!isObject(schema)) return null;
  for (const key of Object.keys(schema)) {
    if (!SCHEMA_FIELDS.has(key)) return `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`;
  }
  const children: Array<[unknown, string]> = [
    ...Object.entries(isObject(schema.properties) ? schema.properties : {}).map(([k, v]): [unknown, string] => [
      v,
      `${at}.properties[${k}].value`,
    ]),
    ...Object.entries(isObject(schema.defs) ? schema.defs : {}).map(([k, v]): [unknown, string] => [v, `${at}.defs[${k}].value`]),
    [schema.items, `${at}.items`],
    ...(Array.isArray(schema.anyOf) ? schema.anyOf : []).map((v, j): [unknown, string] => [v, `${at}.any_of[${j}]`]),
  ];
  if (isObject(schema.additionalProperties)) children.push([schema.additionalProperties, `${at}.additional_properties`]);
  for (const [child, where] of children) {
    const found = unknownSchemaField(child, where);
    if (found) return found;
  }
  return null;
}

/**
 * Function parameters and `responseSchema` are Vertex AI `Schema` objects: a keyword outside its
 * fields (`$schema`, `$ref`, `exclusiveMinimum`, `const`, `oneOf`, …) is an unknown field. https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Schema
 * (the field list); `parametersJsonSchema` / `responseJsonSchema` take full JSON Schema and are
 * not checked.
 */
export function rejectUnknownSchemaKeyword(body: Body): ProviderRejection | null {
  const tools: unknown[] = Array.isArray(body.tools) ? body.tools : [];
  for (const [i, tool] of tools.entries()) {
    const declarations: unknown[] = isObject(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : [];
    for (const [j, declaration] of declarations.entries()) {
      if (!isObject(declaration)) continue;
      const found = unknownSchemaField(declaration.parameters, `tools[${i}].function_declarations[${j}].parameters`);
      if (found) return googleInvalidArgument(found);
    }
  }
  const config = isObject(body.generationConfig) ? body.generationConfig : {};
  const found = unknownSchemaField(config.responseSchema, 'generation_config.response_schema');
  return found ? googleInvalidArgument(found) : null;
}

/** Gemini 3 and later (from the model name in the request path). */
export function isGemini3Model(model: string): boolean {
  const major = /^gemini-(\d+)/.exec(model)?.[1];
  return major !== undefined && Number(major) >= 3;
}

/**
 * Gemini 3 validates thought signatures: in the current turn (the contents after the last user
 * content that is not only function responses), each model step's first `functionCall` part
 * must carry its `thoughtSignature`. https://ai.google.dev/gemini-api/docs/thought-signatures ("When
 * using Gemini 3 models, you must pass back thought signatures during function calling, otherwise
 * you will get a validation error (4xx status code)"; turns and steps as defined there; Google's
 * `skip_thought_signature_validator` placeholder is accepted).
 */
export function rejectMissingThoughtSignature(body: Body, model: string): ProviderRejection | null {
  if (!isGemini3Model(model)) return null;
  const contents = contentsOf(body);
  let start = 0;
  contents.forEach((content, i) => {
    if (content.role !== 'model' && partsOf(content).some((p) => p.functionResponse === undefined)) start = i + 1;
  });
  for (const content of contents.slice(start)) {
    if (content.role !== 'model') continue;
    const parts = partsOf(content);
    const position = parts.findIndex((p) => p.functionCall !== undefined);
    if (position < 0 || typeof parts[position]!.thoughtSignature === 'string') continue;
    const name = isObject(parts[position]!.functionCall) ? String(parts[position]!.functionCall.name) : '';
    return googleInvalidArgument(
      `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${position + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
    );
  }
  return null;
}

const RULES = [rejectUnknownRole, rejectFunctionResponseWithoutCall, rejectUnknownSchemaKeyword, rejectMissingThoughtSignature];

/** The first Gemini rule a generateContent body for `model` breaks, as Google's 400; null when it passes them all. */
export function checkGeminiRequest(body: unknown, model: string): ProviderRejection | null {
  if (!isObject(body)) return googleInvalidArgument('Invalid JSON payload received.');
  for (const rule of RULES) {
    const rejection = rule(body, model);
    if (rejection) return rejection;
  }
  return null;
}
