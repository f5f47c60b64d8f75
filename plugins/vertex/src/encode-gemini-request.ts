import type { CodecContext, IrRequest } from '@switchyard/plugin-sdk';
import { isObject, type Json } from './gemini-json.js';
import { encodeGeminiContents, encodeGeminiSystemInstruction } from './encode-gemini-contents.js';
import { encodeGeminiThinking } from './encode-gemini-thinking.js';
import { encodeGeminiToolConfig, encodeGeminiTools } from './encode-gemini-tools.js';
import { sanitizeGeminiSchema } from './sanitize-gemini-schema.js';

/** Sampling and output fields as `generationConfig`; undefined when none is set. */
function encodeGenerationConfig(ir: IrRequest, ctx: CodecContext): Json | undefined {
  const config: Json = {};
  if (ir.temperature !== undefined) config.temperature = ir.temperature;
  if (ir.topP !== undefined) config.topP = ir.topP;
  if (ir.topK !== undefined) config.topK = ir.topK;
  if (ir.maxTokens !== undefined) config.maxOutputTokens = ir.maxTokens;
  if (ir.stop !== undefined && ir.stop.length > 0) config.stopSequences = ir.stop;
  if (ir.seed !== undefined) config.seed = ir.seed;
  if (ir.presencePenalty !== undefined) config.presencePenalty = ir.presencePenalty;
  if (ir.frequencyPenalty !== undefined) config.frequencyPenalty = ir.frequencyPenalty;
  const format = ir.responseFormat;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  else if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    config.responseSchema = sanitizeGeminiSchema(format.schema, 'response_format');
    if (format.strict !== undefined) ctx.dropped('response_format.json_schema.strict');
  }
  if (ir.choices !== undefined) config.candidateCount = ir.choices;
  if (ir.logprobs) {
    config.responseLogprobs = true;
    if (ir.logprobs.top > 0) config.logprobs = ir.logprobs.top;
  }
  const thinking = encodeGeminiThinking(ir.thinking, ir.model, ctx);
  if (thinking) config.thinkingConfig = thinking;
  return Object.keys(config).length > 0 ? config : undefined;
}

/**
 * IR → a Vertex AI `generateContent` / `streamGenerateContent` request body (backend side of the
 * google.generate-content codec). The model and the streaming choice are in the URL, not the body.
 */
export function encodeGeminiRequest(ir: IrRequest, ctx: CodecContext): Json {
  const system = [...ir.system];
  const body: Json = { contents: encodeGeminiContents(ir.messages, system, ir.model, ctx) };
  const systemInstruction = encodeGeminiSystemInstruction(system, ctx);
  if (systemInstruction) body.systemInstruction = systemInstruction;
  if (ir.tools !== undefined && ir.tools.length > 0) {
    const tools = encodeGeminiTools(ir.tools, ctx);
    if (tools.length > 0) {
      body.tools = tools;
      const toolConfig = encodeGeminiToolConfig(ir.toolChoice);
      if (toolConfig) body.toolConfig = toolConfig;
    }
  } else if (ir.toolChoice !== undefined && ir.toolChoice !== 'none' && ir.toolChoice !== 'auto') {
    ctx.dropped('tool_choice (no tools)');
  }
  if (ir.parallelToolCalls !== undefined) ctx.dropped('parallel_tool_calls');
  if (ir.user !== undefined) ctx.dropped('user');
  const generationConfig = encodeGenerationConfig(ir, ctx);
  if (generationConfig) body.generationConfig = generationConfig;
  if (ir.extra) {
    for (const [key, value] of Object.entries(ir.extra)) {
      const current = body[key];
      if (current === undefined) body[key] = value;
      else if (isObject(current) && isObject(value)) body[key] = { ...current, ...value };
    }
  }
  return body;
}
