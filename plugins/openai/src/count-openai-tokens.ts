import { GatewayError, joinUrl, type UpstreamCall } from '@switchyard/plugin-sdk';

/** vLLM's tokenizer endpoint, at the server's root (not under /v1). */
export const VLLM_TOKENIZE_PATH = '/tokenize';

/** The server root of a base_url (`http://gpu:8000/v1` → `http://gpu:8000`), where vLLM serves /tokenize. */
export function tokenizeUrl(baseUrl: string): string {
  return joinUrl(baseUrl.replace(/\/+$/, '').replace(/\/v\d+[a-z0-9]*$/, ''), VLLM_TOKENIZE_PATH);
}

/**
 * A count_tokens request (already translated to a chat completion body) as vLLM's tokenize-chat
 * request: `{model, messages, tools?, add_generation_prompt: true}`, so the count is the prompt a
 * generation would see. https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#tokenizer-api
 */
export function tokenizeRequestBody(call: UpstreamCall): Record<string, unknown> {
  const body: Record<string, unknown> = { model: call.model, messages: call.body.messages ?? [], add_generation_prompt: true };
  if (Array.isArray(call.body.tools) && call.body.tools.length > 0) body.tools = call.body.tools;
  return body;
}

/** vLLM's tokenize reply (`{count, max_model_len, tokens}`) as Anthropic's count_tokens reply (`{input_tokens}`). */
export function countTokensFromTokenize(backendId: string): (reply: unknown) => { input_tokens: number } {
  return (reply) => {
    const count = (reply as { count?: unknown } | null)?.count;
    if (typeof count !== 'number') throw GatewayError.badGateway(`backend ${backendId} answered /tokenize without a count`);
    return { input_tokens: count };
  };
}
