/**
 * The Anthropic Messages API's request rules, as the strict fake upstream enforces them: each rule is
 * one function returning the violation's message (or undefined), with the documentation page that
 * states it. Model-specific rules read the Anthropic plugin's model table (claudeModelRules).
 */
import { claudeModelRules, type ClaudeModelRules } from '@switchyard/plugin-anthropic';

type Json = Record<string, unknown>;

/** One Messages request as the rules see it. */
export interface AnthropicMessagesRequest {
  readonly body: Json;
  /** The model: the body's, or for Vertex the one named in the URL. */
  readonly model: string | undefined;
  readonly rules: ClaudeModelRules;
  /** The `anthropic-beta` header's values. */
  readonly betas: readonly string[];
}

export type AnthropicMessagesRule = (req: AnthropicMessagesRequest) => string | undefined;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const blocksOf = (message: unknown): Json[] => {
  if (!isObject(message) || !Array.isArray(message.content)) return [];
  return message.content.filter(isObject);
};
const messagesOf = (body: Json): Json[] => (Array.isArray(body.messages) ? body.messages.filter(isObject) : []);
const thinkingType = (body: Json): unknown => (isObject(body.thinking) ? body.thinking.type : undefined);
const thinkingOn = (body: Json) => thinkingType(body) === 'enabled' || thinkingType(body) === 'adaptive';

/** max_tokens is required. https://platform.claude.com/docs/en/api/messages (max_tokens: required, ≥ 1) */
export function requireMaxTokens({ body }: AnthropicMessagesRequest): string | undefined {
  if (!Number.isInteger(body.max_tokens)) return 'max_tokens: Field required';
  if ((body.max_tokens as number) < 1) return 'max_tokens: Input should be greater than or equal to 1';
  return undefined;
}

/** Roles are user and assistant only (system is top-level). https://platform.claude.com/docs/en/api/messages */
export function messageRoles({ body }: AnthropicMessagesRequest): string | undefined {
  const at = messagesOf(body).findIndex((m) => m.role !== 'user' && m.role !== 'assistant');
  if (at < 0) return undefined;
  return `messages.${at}.role: Input should be 'user' or 'assistant'`;
}

/**
 * `budget_tokens` ≥ 1024 and below max_tokens (the interleaved-thinking beta lifts the second limit).
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 */
export function thinkingBudgetRange({ body, betas }: AnthropicMessagesRequest): string | undefined {
  if (thinkingType(body) !== 'enabled') return undefined;
  const budget = (body.thinking as Json).budget_tokens;
  if (!Number.isInteger(budget)) return 'thinking.enabled.budget_tokens: Field required';
  if ((budget as number) < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  const interleaved = betas.some((b) => b.startsWith('interleaved-thinking-'));
  if (!interleaved && typeof body.max_tokens === 'number' && (budget as number) >= body.max_tokens) {
    return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
  }
  return undefined;
}

/**
 * Adaptive-only models (Opus 4.7 and later) reject `type: enabled`.
 * https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-adaptive-thinking.html
 */
export function adaptiveOnlyRejectsEnabled({ body, rules, model }: AnthropicMessagesRequest): string | undefined {
  if (!rules.adaptiveOnly || thinkingType(body) !== 'enabled') return undefined;
  return `"thinking.type.enabled" is not supported for this model (${model}). Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.`;
}

/**
 * The adaptive-only models also reject `type: disabled` (off is `thinking` left out).
 * https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-adaptive-thinking.html
 */
export function adaptiveOnlyRejectsDisabled({ body, rules, model }: AnthropicMessagesRequest): string | undefined {
  if (!rules.rejectsDisabledThinking || thinkingType(body) !== 'disabled') return undefined;
  return `"thinking.type.disabled" is not supported for this model (${model}).`;
}

/**
 * Models before Claude 4.6 do not support adaptive thinking.
 * https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking
 */
export function adaptiveNeedsSupport({ body, rules, model }: AnthropicMessagesRequest): string | undefined {
  if (!rules.known || rules.adaptiveThinking || thinkingType(body) !== 'adaptive') return undefined;
  return `"thinking.type.adaptive" is not supported for this model (${model}).`;
}

/**
 * Opus 4.7 and later no longer take `temperature`, `top_p`, `top_k` (non-default values → 400; 1 is the default
 * temperature and top_p).
 * https://platform.claude.com/docs/en/about-claude/models/migration-guide#migrating-to-claude-opus-4-7
 */
export function samplingParamsRemoved({ body, rules }: AnthropicMessagesRequest): string | undefined {
  if (!rules.rejectsSamplingParams) return undefined;
  for (const key of ['temperature', 'top_p'] as const) {
    if (body[key] !== undefined && body[key] !== 1) return `\`${key}\` is deprecated for this model.`;
  }
  if (body.top_k !== undefined) return '`top_k` is deprecated for this model.';
  return undefined;
}

/**
 * With thinking on, tool_choice may not force tool use (`any`, `tool`).
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking#feature-compatibility
 */
export function thinkingForbidsForcedToolChoice({ body }: AnthropicMessagesRequest): string | undefined {
  if (!thinkingOn(body) || !isObject(body.tool_choice)) return undefined;
  const type = body.tool_choice.type;
  if (type !== 'any' && type !== 'tool') return undefined;
  return 'Thinking may not be enabled when tool_choice forces tool use.';
}

/**
 * With thinking on: no `temperature` or `top_k` modifications; `top_p` only from 0.95 to 1.
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking#feature-compatibility
 */
export function thinkingSamplingLimits({ body }: AnthropicMessagesRequest): string | undefined {
  if (!thinkingOn(body)) return undefined;
  if (body.temperature !== undefined && body.temperature !== 1) {
    return '`temperature` may only be set to 1 when thinking is enabled or in interleaved thinking mode. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility';
  }
  if (body.top_k !== undefined) return '`top_k` must be unset when thinking is enabled.';
  const topP = body.top_p;
  if (topP !== undefined && !(typeof topP === 'number' && topP >= 0.95 && topP <= 1)) {
    return '`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.';
  }
  return undefined;
}

/**
 * With thinking on, the final assistant turn, when it contains tool_use, must start with its thinking
 * (or redacted_thinking) block, passed back as received.
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
export function thinkingToolTurnStartsWithThinking({ body }: AnthropicMessagesRequest): string | undefined {
  if (!thinkingOn(body)) return undefined;
  const messages = messagesOf(body);
  let at = messages.length - 1;
  while (at >= 0 && messages[at]!.role !== 'assistant') at--;
  if (at < 0) return undefined;
  const blocks = blocksOf(messages[at]);
  if (!blocks.some((b) => b.type === 'tool_use')) return undefined;
  const first = blocks[0]?.type;
  if (first === 'thinking' || first === 'redacted_thinking') return undefined;
  return `messages.${at}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;
}

/**
 * Every tool_use is answered by a tool_result with its id at the start of the next (user) turn, and every
 * tool_result answers a tool_use of the turn just before.
 * https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use#handling-tool-use-and-tool-result-content-blocks
 */
export function toolUseAnswered({ body }: AnthropicMessagesRequest): string | undefined {
  const messages = messagesOf(body);
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === 'user') {
      const previous = i > 0 && messages[i - 1]!.role === 'assistant' ? blocksOf(messages[i - 1]) : [];
      const asked = new Set(previous.filter((b) => b.type === 'tool_use').map((b) => b.id));
      const stray = blocksOf(message).find((b) => b.type === 'tool_result' && !asked.has(b.tool_use_id));
      if (stray) {
        return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(stray.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
      continue;
    }
    const ids = blocksOf(message)
      .filter((b) => b.type === 'tool_use')
      .map((b) => b.id);
    if (ids.length === 0) continue;
    const next = messages[i + 1];
    const answers: unknown[] = [];
    for (const block of next?.role === 'user' ? blocksOf(next) : []) {
      if (block.type !== 'tool_result') break;
      answers.push(block.tool_use_id);
    }
    const missing = ids.filter((id) => !answers.includes(id));
    if (missing.length > 0) {
      return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.map(String).join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Custom tool names match `^[a-zA-Z0-9_-]{1,64}$`.
 * https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use#specifying-client-tools
 */
export function toolNamePattern({ body }: AnthropicMessagesRequest): string | undefined {
  if (!Array.isArray(body.tools)) return undefined;
  const at = body.tools.findIndex(
    (t) => isObject(t) && (t.type === undefined || t.type === 'custom') && !(typeof t.name === 'string' && TOOL_NAME.test(t.name)),
  );
  if (at < 0) return undefined;
  return `tools.${at}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
}

/** Keywords structured outputs do not support: numerical constraints, string length and array size constraints. */
const UNSUPPORTED_SCHEMA_KEYWORDS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'maxItems',
];

const SUBSCHEMA_MAPS = ['properties', '$defs', 'definitions'];
const SUBSCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf', 'prefixItems'];

/** The first structured-outputs limit a schema breaks, with its JSON path. */
function schemaViolation(schema: unknown, path: string): string | undefined {
  if (!isObject(schema)) return undefined;
  for (const key of UNSUPPORTED_SCHEMA_KEYWORDS) {
    if (Object.hasOwn(schema, key)) return `${path}: the \`${key}\` keyword is not supported`;
  }
  if (schema.minItems !== undefined && schema.minItems !== 0 && schema.minItems !== 1) {
    return `${path}: \`minItems\` values other than 0 and 1 are not supported`;
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if ((types.includes('object') || isObject(schema.properties)) && schema.additionalProperties !== false) {
    return `${path}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
  }
  for (const key of SUBSCHEMA_MAPS) {
    const map = schema[key];
    if (!isObject(map)) continue;
    for (const [name, sub] of Object.entries(map)) {
      const found = schemaViolation(sub, `${path}.${key}.${name}`);
      if (found) return found;
    }
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const found = schemaViolation(list[i], `${path}.${key}.${i}`);
      if (found) return found;
    }
  }
  return schemaViolation(schema.items, `${path}.items`);
}

/**
 * Structured outputs (`output_config.format`, the beta `output_format`, strict tools) take a JSON Schema subset:
 * no numeric, length or size constraints (minItems only 0 or 1), `additionalProperties: false` on every object.
 * https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations
 */
export function structuredOutputSchemaLimits({ body }: AnthropicMessagesRequest): string | undefined {
  const formats: Array<[string, unknown]> = [
    ['output_config.format', isObject(body.output_config) ? body.output_config.format : undefined],
    ['output_format', body.output_format],
  ];
  for (const [where, format] of formats) {
    if (!isObject(format)) continue;
    if (format.type !== 'json_schema') return `${where}.type: Input should be 'json_schema'`;
    if (!isObject(format.schema)) return `${where}.schema: Field required`;
    const found = schemaViolation(format.schema, `${where}.schema`);
    if (found) return `Invalid schema: ${found}`;
  }
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (!isObject(tool) || tool.strict !== true) continue;
    const found = schemaViolation(tool.input_schema, `tools.${i}.input_schema`);
    if (found) return `Invalid schema: ${found}`;
  }
  return undefined;
}

/** Every rule, in the order they are checked. */
export const ANTHROPIC_MESSAGES_RULES: readonly AnthropicMessagesRule[] = [
  requireMaxTokens,
  messageRoles,
  thinkingBudgetRange,
  adaptiveOnlyRejectsEnabled,
  adaptiveOnlyRejectsDisabled,
  adaptiveNeedsSupport,
  samplingParamsRemoved,
  thinkingForbidsForcedToolChoice,
  thinkingSamplingLimits,
  thinkingToolTurnStartsWithThinking,
  toolUseAnswered,
  toolNamePattern,
  structuredOutputSchemaLimits,
];

/** The first rule a Messages request breaks, as the API's error message; undefined when it passes. */
export function checkAnthropicMessagesRequest(body: Json, opts: { model?: string; betas?: readonly string[] } = {}): string | undefined {
  const model = opts.model ?? (typeof body.model === 'string' ? body.model : undefined);
  const req: AnthropicMessagesRequest = { body, model, rules: claudeModelRules(model), betas: opts.betas ?? [] };
  for (const rule of ANTHROPIC_MESSAGES_RULES) {
    const message = rule(req);
    if (message !== undefined) return message;
  }
  return undefined;
}

/** Anthropic's error body for a rejected request (status 400). */
export function anthropicInvalidRequest(message: string): Json {
  return { type: 'error', error: { type: 'invalid_request_error', message } };
}
