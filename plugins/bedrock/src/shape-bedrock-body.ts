import { asNumber, isObject, type Json } from '@switchyard/plugin-sdk';
import { ANTHROPIC_MIN_THINKING_BUDGET } from '@switchyard/plugin-anthropic';

/**
 * The top-level fields of a Converse / ConverseStream request body (Bedrock API reference,
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestBody).
 */
export const CONVERSE_REQUEST_FIELDS: ReadonlySet<string> = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'promptVariables',
  'requestMetadata',
  'performanceConfig',
  'serviceTier',
  'outputConfig',
]);

/** max_tokens for a Claude request with thinking on and no max_tokens (as the Anthropic plugin's fallback). */
const CLAUDE_THINKING_FALLBACK_MAX_TOKENS = 4096;

/**
 * A translated Converse body as it is sent: fields outside Converse's own (a profile's
 * provider-native keys, written at the top level by the kernel) move into
 * `additionalModelRequestFields`, where Bedrock passes them to the model; with thinking on and no
 * maxTokens, maxTokens is the backend's `default_max_tokens` (else 4096) and a budget that does
 * not fit below it is lowered to maxTokens - 1, or thinking left out when Claude's minimum does
 * not fit. `default_max_tokens` also fills maxTokens for any other request without one.
 */
export function shapeBedrockBody(body: Json, defaultMaxTokens: number | undefined): Json {
  const out: Json = {};
  const extra: Json = isObject(body.additionalModelRequestFields) ? { ...body.additionalModelRequestFields } : {};
  for (const [key, value] of Object.entries(body)) {
    if (CONVERSE_REQUEST_FIELDS.has(key)) out[key] = value;
    else if (extra[key] === undefined && key !== 'model' && key !== 'stream') extra[key] = value;
  }
  const inference: Json = isObject(out.inferenceConfig) ? { ...out.inferenceConfig } : {};
  const thinking = isObject(extra.thinking) ? extra.thinking : undefined;
  if (asNumber(inference.maxTokens) === undefined && (defaultMaxTokens !== undefined || thinking?.type === 'enabled')) {
    const maxTokens = defaultMaxTokens ?? CLAUDE_THINKING_FALLBACK_MAX_TOKENS;
    inference.maxTokens = maxTokens;
    const budget = asNumber(thinking?.budget_tokens);
    if (thinking && budget !== undefined && budget >= maxTokens) {
      if (maxTokens - 1 < ANTHROPIC_MIN_THINKING_BUDGET) delete extra.thinking;
      else extra.thinking = { ...thinking, budget_tokens: maxTokens - 1 };
    }
  }
  if (Object.keys(inference).length > 0) out.inferenceConfig = inference;
  if (Object.keys(extra).length > 0) out.additionalModelRequestFields = extra;
  else delete out.additionalModelRequestFields;
  return out;
}
