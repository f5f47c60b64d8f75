import { asObject, asString, type CodecContext } from '@switchyard/plugin-sdk';

export interface OllamaToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text. */
  arguments: string;
}

/**
 * One entry of Ollama's `message.tool_calls` (`{id?, function: {index?, name, arguments}}`, the
 * arguments an object). Ollama may leave out the id: then one is made of the request id and the
 * call's position, so the client can answer the call.
 */
export function decodeOllamaToolCall(call: unknown, position: number, ctx: CodecContext): OllamaToolCall {
  const c = asObject(call) ?? {};
  const fn = asObject(c.function) ?? {};
  const args = fn.arguments;
  return {
    id: asString(c.id) || `call_${ctx.requestId}_${position}`,
    name: asString(fn.name) ?? '',
    arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
  };
}
