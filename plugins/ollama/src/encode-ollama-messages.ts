import { GatewayError, isObject, parseJson, type CodecContext, type IrMessage, type IrPart } from '@switchyard/plugin-sdk';

/** One Ollama chat message (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion). */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  thinking?: string;
  images?: string[];
  tool_calls?: Array<{ id?: string; function: { name: string; arguments: Record<string, unknown> } }>;
  tool_name?: string;
  tool_call_id?: string;
}

/** Ollama takes images as base64 data only; a URL or file id cannot reach it. */
function imageData(part: Extract<IrPart, { type: 'image' }>): string {
  if (part.source.kind === 'base64') return part.source.data;
  throw GatewayError.invalidRequest(
    `backend type ollama takes images as base64 data only (a data: URL), not as ${part.source.kind === 'url' ? 'an http(s) URL' : 'a file id'}`,
  );
}

/** Text and images of a list of content parts; other parts are reported as dropped. */
function contentOf(parts: readonly IrPart[], ctx: CodecContext): { content: string; images: string[] } {
  const texts: string[] = [];
  const images: string[] = [];
  for (const part of parts) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'image') images.push(imageData(part));
    else if (part.type === 'file') ctx.dropped('file content (ollama takes text and images)');
  }
  return { content: texts.join('\n'), images };
}

/** A tool call's JSON-text arguments as the object Ollama wants. */
function argumentsObject(text: string): Record<string, unknown> {
  const parsed = parseJson(text);
  return isObject(parsed) ? parsed : {};
}

/** The tool results of a message, one `tool` message each (with the tool's name and call id). */
function toolMessages(parts: readonly IrPart[], ctx: CodecContext): OllamaMessage[] {
  const out: OllamaMessage[] = [];
  for (const part of parts) {
    if (part.type !== 'tool_result') continue;
    const { content, images } = typeof part.content === 'string' ? { content: part.content, images: [] } : contentOf(part.content, ctx);
    const msg: OllamaMessage = { role: 'tool', content, tool_call_id: part.toolCallId };
    if (part.name) msg.tool_name = part.name;
    if (images.length > 0) msg.images = images;
    out.push(msg);
  }
  return out;
}

/** One IR message as Ollama messages (tool results become `tool` messages of their own). */
export function encodeOllamaMessage(message: IrMessage, ctx: CodecContext): OllamaMessage[] {
  const out = toolMessages(message.parts, ctx);
  const { content, images } = contentOf(message.parts, ctx);
  const calls = message.parts.filter((p) => p.type === 'tool_call');
  const thinking = message.parts
    .filter((p) => p.type === 'reasoning')
    .map((p) => p.text)
    .join('');
  if (out.length > 0 && content === '' && images.length === 0 && calls.length === 0) return out;
  const role = message.role === 'tool' ? 'user' : message.role;
  const msg: OllamaMessage = { role, content };
  if (images.length > 0) msg.images = images;
  if (thinking && role === 'assistant') msg.thinking = thinking;
  if (calls.length > 0) {
    msg.tool_calls = calls.map((c) => ({ id: c.id, function: { name: c.name, arguments: argumentsObject(c.arguments) } }));
  }
  out.push(msg);
  return out;
}
