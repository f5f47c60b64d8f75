import { checkRequestFields, fieldChecks as f, type FieldRules } from '@switchyard/plugin-sdk';

const objects = f.arrayOf(f.object, 'objects');

/**
 * The documented top-level fields of an Anthropic Messages request, with their types and ranges:
 * Create a Message, https://platform.claude.com/docs/en/api/messages/create (and its beta
 * fields, https://platform.claude.com/docs/en/api/beta/messages/create). `max_tokens` may be 0
 * ("set to 0 to populate the prompt cache", minimum 0) and may be left out here: the gateway
 * fills it in (fill-anthropic-max-tokens.ts). `temperature`, `top_p` and `top_k` are no longer in
 * the current reference but the gateway reads them, so their types are checked (no range: none is
 * documented any more).
 */
export const ANTHROPIC_MESSAGES_FIELDS: FieldRules = {
  model: f.string,
  messages: objects,
  max_tokens: f.integer({ min: 0 }),
  system: f.either(f.string, f.arrayOf(f.object, 'text blocks')),
  stream: f.boolean,
  stop_sequences: f.arrayOf(f.string, 'strings'),
  temperature: f.number(),
  top_p: f.number(),
  top_k: f.integer(),
  tools: objects,
  tool_choice: f.object,
  thinking: f.object,
  metadata: f.object,
  output_config: f.object,
  cache_control: f.object,
  container: f.either(f.string, f.object),
  context_management: f.object,
  diagnostics: f.object,
  inference_geo: f.string,
  mcp_servers: objects,
  output_format: f.object,
  service_tier: f.oneOf('auto', 'standard_only'),
  speed: f.oneOf('standard', 'fast'),
};

/**
 * Count tokens in a Message, https://platform.claude.com/docs/en/api/messages/count_tokens: the
 * same fields minus those that only shape generation.
 */
export const ANTHROPIC_COUNT_TOKENS_FIELDS: FieldRules = {
  model: ANTHROPIC_MESSAGES_FIELDS.model!,
  messages: ANTHROPIC_MESSAGES_FIELDS.messages!,
  system: ANTHROPIC_MESSAGES_FIELDS.system!,
  tools: ANTHROPIC_MESSAGES_FIELDS.tools!,
  tool_choice: ANTHROPIC_MESSAGES_FIELDS.tool_choice!,
  thinking: ANTHROPIC_MESSAGES_FIELDS.thinking!,
  output_config: ANTHROPIC_MESSAGES_FIELDS.output_config!,
  cache_control: ANTHROPIC_MESSAGES_FIELDS.cache_control!,
  speed: ANTHROPIC_MESSAGES_FIELDS.speed!,
};

const REQUIRED = ['messages'];

/**
 * An Anthropic client's request (`/v1/messages`, `/v1/messages/count_tokens`) checked field by
 * field: a wrong type or a value out of its documented range is a 400 naming the field, in the
 * Anthropic envelope. Unknown fields pass through untouched.
 */
export function validateAnthropicMessagesRequest(body: Record<string, unknown>, operation?: string): void {
  checkRequestFields(body, operation === 'count_tokens' ? ANTHROPIC_COUNT_TOKENS_FIELDS : ANTHROPIC_MESSAGES_FIELDS, REQUIRED);
}
