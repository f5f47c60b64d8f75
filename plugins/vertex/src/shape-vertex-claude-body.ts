import { fillAnthropicMaxTokens, shapeAnthropicCountTokensBody } from '@switchyard/plugin-anthropic';
import type { Json } from './gemini-json.js';

/** The `anthropic_version` Claude on Vertex AI takes in the body (instead of the header's date). */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

/**
 * An Anthropic Messages body (the client's on passthrough, the codec's on translation) as Claude
 * on Vertex wants it: `max_tokens` filled in as for Anthropic, `model` removed (it is in the URL),
 * `anthropic_version` added (a client's own is kept).
 */
export function shapeVertexClaudeBody(body: Json, defaultMaxTokens: number | undefined): Json {
  const { model: _model, ...rest } = fillAnthropicMaxTokens(body, defaultMaxTokens) ?? body;
  return { anthropic_version: VERTEX_ANTHROPIC_VERSION, ...rest };
}

/** A `count_tokens` body for Vertex's `count-tokens:rawPredict`: the model (Vertex id) stays in the body. */
export function shapeVertexClaudeCountTokensBody(body: Json, vertexModel: string): Json {
  const shaped = shapeAnthropicCountTokensBody(body) ?? body;
  return { anthropic_version: VERTEX_ANTHROPIC_VERSION, ...shaped, model: vertexModel };
}
