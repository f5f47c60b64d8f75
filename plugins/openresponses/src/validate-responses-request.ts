import { checkRequestFields, fieldChecks as f, type FieldRules } from '@switchyard/plugin-sdk';

/**
 * The documented top-level fields of a Responses API request, with their types and documented
 * ranges: Create a model response, https://platform.openai.com/docs/api-reference/responses/create
 * (`temperature` between 0 and 2; `top_logprobs` an integer between 0 and 20; `metadata` up to 16
 * string values; `safety_identifier` at most 128 characters). `max_output_tokens` and
 * `max_tool_calls` are integers; the reference gives them no range, so none is checked.
 */
export const RESPONSES_REQUEST_FIELDS: FieldRules = {
  model: f.string,
  input: f.either(f.string, f.arrayOf(f.object, 'input items')),
  instructions: f.string,
  stream: f.boolean,
  stream_options: f.object,
  max_output_tokens: f.integer(),
  max_tool_calls: f.integer(),
  temperature: f.number({ min: 0, max: 2 }),
  top_p: f.number(),
  top_logprobs: f.integer({ min: 0, max: 20 }),
  tools: f.arrayOf(f.object, 'objects'),
  tool_choice: f.either(f.oneOf('none', 'auto', 'required'), f.object),
  parallel_tool_calls: f.boolean,
  text: f.object,
  reasoning: f.object,
  include: f.arrayOf(f.string, 'strings'),
  metadata: f.stringMap(16),
  store: f.boolean,
  background: f.boolean,
  previous_response_id: f.string,
  conversation: f.either(f.string, f.object),
  prompt: f.object,
  prompt_cache_key: f.string,
  prompt_cache_retention: f.oneOf('in_memory', '24h'),
  safety_identifier: f.shortString(128),
  service_tier: f.oneOf('auto', 'default', 'flex', 'scale', 'priority', 'fast', 'ultrafast'),
  truncation: f.oneOf('auto', 'disabled'),
  user: f.string,
  context_management: f.arrayOf(f.object, 'objects'),
};

/**
 * A Responses client's request (`/v1/responses`) checked field by field: a wrong type or a value
 * out of its documented range is a 400 naming the field, in the OpenAI envelope. Unknown fields
 * pass through untouched.
 */
export function validateResponsesRequest(body: Record<string, unknown>): void {
  checkRequestFields(body, RESPONSES_REQUEST_FIELDS);
}
