import { checkRequestFields, fieldChecks as f, type FieldRules } from '@switchyard/plugin-sdk';

const objects = f.arrayOf(f.object, 'objects');

/**
 * The documented top-level fields of an OpenAI chat completions request, by type: Create chat
 * completion, https://platform.openai.com/docs/api-reference/chat/create, plus `top_k`, which
 * vLLM and SGLang take and the gateway reads. Only types are checked: this ingress also serves
 * vLLM, SGLang and other OpenAI-compatible servers, whose accepted ranges differ from OpenAI's.
 */
export const OPENAI_CHAT_REQUEST_FIELDS: FieldRules = {
  model: f.string,
  messages: objects,
  stream: f.boolean,
  stream_options: f.object,
  max_tokens: f.integer(),
  max_completion_tokens: f.integer(),
  temperature: f.number(),
  top_p: f.number(),
  top_k: f.number(),
  n: f.integer(),
  stop: f.either(f.string, f.arrayOf(f.string, 'strings')),
  seed: f.integer(),
  presence_penalty: f.number(),
  frequency_penalty: f.number(),
  logit_bias: f.object,
  logprobs: f.boolean,
  top_logprobs: f.integer(),
  tools: objects,
  tool_choice: f.either(f.string, f.object),
  parallel_tool_calls: f.boolean,
  functions: objects,
  function_call: f.either(f.string, f.object),
  response_format: f.object,
  reasoning_effort: f.string,
  verbosity: f.string,
  modalities: f.arrayOf(f.string, 'strings'),
  audio: f.object,
  prediction: f.object,
  web_search_options: f.object,
  metadata: f.object,
  store: f.boolean,
  service_tier: f.string,
  prompt_cache_key: f.string,
  prompt_cache_retention: f.string,
  safety_identifier: f.string,
  user: f.string,
};

/**
 * An OpenAI chat client's request (`/v1/chat/completions`) checked field by field: a wrong type
 * is a 400 naming the field. Unknown fields (`chat_template_kwargs`, `repetition_penalty`, …) pass
 * through untouched.
 */
export function validateOpenAIChatRequest(body: Record<string, unknown>): void {
  checkRequestFields(body, OPENAI_CHAT_REQUEST_FIELDS, ['messages']);
}
