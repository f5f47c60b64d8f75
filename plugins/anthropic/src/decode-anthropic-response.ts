import { GatewayError, type CodecContext, type IrResponse } from '@switchyard/plugin-sdk';
import { usageFromAnthropic } from './read-anthropic-usage.js';
import { isObject, str } from './anthropic-json.js';
import { decodeAnthropicAssistantBlocks } from './decode-anthropic-blocks.js';
import { decodeAnthropicStopReason } from './map-anthropic-stop-reason.js';

/** A complete Anthropic Messages response → IR (backend side). */
export function decodeAnthropicResponse(body: unknown, ctx: CodecContext): IrResponse {
  if (!isObject(body) || (body.type !== undefined && body.type !== 'message')) {
    throw GatewayError.badGateway('the backend sent a reply that is not an Anthropic message', 'upstream_malformed');
  }
  const rawFinishReason = str(body.stop_reason);
  const response: IrResponse = {
    id: str(body.id) ?? '',
    model: str(body.model) ?? '',
    parts: decodeAnthropicAssistantBlocks(body.content, ctx),
    finishReason: decodeAnthropicStopReason(rawFinishReason),
  };
  if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
  if (isObject(body.usage)) response.usage = usageFromAnthropic(body.usage);
  return response;
}
