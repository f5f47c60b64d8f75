import {
  GatewayError,
  type CodecContext,
  type IrFinishReason,
  type IrPart,
  type IrResponse,
  type IrTokenLogprob,
} from '@switchyard/plugin-sdk';
import { asArray, asNumber, asObject, asString, type Json } from './responses-json.js';
import { usageFromResponses } from './read-responses-usage.js';
import { flattenToolName } from './responses-request-state.js';

/** A Response's status (and `incomplete_details.reason`) as an IR finish reason; tool calls make `completed` a tool_calls finish. */
export function decodeResponsesStatus(status: unknown, incomplete: unknown, hasToolCalls: boolean): IrFinishReason {
  switch (status) {
    case 'completed':
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'incomplete':
      return asObject(incomplete)?.reason === 'content_filter' ? 'content_filter' : 'length';
    case 'failed':
      return 'error';
    default:
      return 'other';
  }
}

const texts = (list: unknown): string =>
  (asArray(list) ?? []).map((p) => asString(asObject(p)?.text) ?? asString(asObject(p)?.refusal) ?? '').join('');

/** One output item as IR parts: reasoning (its `encrypted_content` as the signature), text, tool calls. */
export function decodeResponsesOutputItem(item: Json, ctx: CodecContext, where: string): IrPart[] {
  switch (item.type) {
    case 'reasoning': {
      const text = texts(item.content) || texts(item.summary);
      const signature = asString(item.encrypted_content);
      if (!text && !signature) return [];
      return [{ type: 'reasoning', text, ...(signature ? { signature } : {}) }];
    }
    case 'message': {
      const text = texts(item.content);
      return text ? [{ type: 'text', text }] : [];
    }
    case 'function_call':
    case 'custom_tool_call': {
      const name = asString(item.name);
      if (!name) {
        ctx.dropped(`${where} without a name`);
        return [];
      }
      const args = item.type === 'function_call' ? (asString(item.arguments) ?? '') : (asString(item.input) ?? '');
      return [
        {
          type: 'tool_call',
          id: asString(item.call_id) ?? asString(item.id) ?? '',
          name: flattenToolName(name, asString(item.namespace)),
          arguments: args,
        },
      ];
    }
    default:
      ctx.dropped(`${where}.type=${String(item.type)}`);
      return [];
  }
}

/** The `logprobs` of the output_text parts (asked for with include message.output_text.logprobs), in order; undefined when none came. */
function decodeResponsesLogprobs(output: readonly unknown[]): IrTokenLogprob[] | undefined {
  const entry = (raw: unknown) => {
    const t = asObject(raw);
    return t ? { token: asString(t.token) ?? '', logprob: asNumber(t.logprob) ?? 0 } : null;
  };
  let found = false;
  const tokens: IrTokenLogprob[] = [];
  for (const item of output) {
    for (const part of asArray(asObject(item)?.content) ?? []) {
      const list = asArray(asObject(part)?.logprobs);
      if (asObject(part)?.type !== 'output_text' || !list) continue;
      found ||= list.length > 0;
      for (const raw of list) {
        const token = entry(raw);
        if (token) tokens.push({ ...token, top: (asArray(asObject(raw)?.top_logprobs) ?? []).map(entry).filter((t) => t !== null) });
      }
    }
  }
  return found ? tokens : undefined;
}

/** A Response object from an OpenResponses backend in the IR (the backend side of the codec). */
export function decodeResponsesResponse(body: unknown, ctx: CodecContext): IrResponse {
  const json = asObject(body);
  const output = asArray(json?.output);
  if (!json || !output)
    throw GatewayError.badGateway('the backend sent a reply that is not a Responses API response', 'upstream_malformed');
  if (json.status === 'failed') {
    const error = asObject(json.error);
    throw GatewayError.badGateway(`the backend failed the response: ${asString(error?.message) ?? 'unknown error'}`);
  }
  const parts: IrPart[] = [];
  output.forEach((raw, i) => {
    const item = asObject(raw);
    if (item) parts.push(...decodeResponsesOutputItem(item, ctx, `output[${i}]`));
  });
  const hasToolCalls = parts.some((p) => p.type === 'tool_call');
  const response: IrResponse = {
    id: asString(json.id) ?? '',
    model: asString(json.model) ?? '',
    parts,
    finishReason: decodeResponsesStatus(json.status, json.incomplete_details, hasToolCalls),
  };
  const created = asNumber(json.created_at);
  if (created !== undefined) response.created = created;
  const raw = asString(asObject(json.incomplete_details)?.reason) ?? asString(json.status);
  if (raw) response.rawFinishReason = raw;
  const usage = asObject(json.usage);
  if (usage) response.usage = usageFromResponses(usage);
  const logprobs = decodeResponsesLogprobs(output);
  if (logprobs) response.logprobs = logprobs;
  return response;
}
