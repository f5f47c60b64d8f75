import { Readable } from 'node:stream';
import { asNumber, GatewayError, isObject, parseJson, readBody, type Json, type UpstreamReply } from '@switchyard/plugin-sdk';

/**
 * A `count_tokens` request, already translated to a Converse body by the kernel, as a Bedrock
 * CountTokens request: `{input: {converse: {messages, system}}}`, the Converse form of
 * CountTokensInput
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokensInput.html).
 * ConverseTokensRequest has no tools or thinking: those are left out of the count.
 */
export function encodeBedrockCountTokens(converse: Json): Json {
  const input: Json = { messages: converse.messages };
  if (converse.system !== undefined) input.system = converse.system;
  return { input: { converse: input } };
}

/** CountTokens' `{inputTokens}` as Anthropic's `{input_tokens}` (the client's protocol). */
export async function decodeBedrockCountTokensReply(reply: UpstreamReply): Promise<UpstreamReply> {
  const parsed = parseJson(await readBody(reply.body, 64 * 1024));
  const tokens = isObject(parsed) ? asNumber(parsed.inputTokens) : undefined;
  if (tokens === undefined) throw GatewayError.badGateway('the backend sent a CountTokens reply without inputTokens', 'upstream_malformed');
  const out = Buffer.from(JSON.stringify({ input_tokens: tokens }));
  const headers: UpstreamReply['headers'] = { ...reply.headers, 'content-type': 'application/json' };
  delete headers['content-length'];
  return { status: 200, headers, body: Readable.from([out]) };
}
