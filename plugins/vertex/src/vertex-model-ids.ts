import { GatewayError } from '@switchyard/plugin-sdk';

/** Model publishers this plugin reaches on Vertex AI. */
export type VertexPublisher = 'google' | 'anthropic';

const CLAUDE = /^(?:anthropic\/)?claude-/i;
const DATED = /^(claude-.+)-(\d{8})$/;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/** `claude-*` models are Anthropic's (rawPredict); every other name is a Google model (generateContent). */
export function vertexPublisherOf(model: string): VertexPublisher {
  return CLAUDE.test(model) ? 'anthropic' : 'google';
}

/**
 * The model id as it goes into a Vertex URL: a `google/` or `anthropic/` prefix removed, and an
 * Anthropic-style dated Claude id turned into Vertex's form (`claude-sonnet-4-5-20250929` →
 * `claude-sonnet-4-5@20250929`); ids already in Vertex form, or without a date, are unchanged.
 * A name that cannot be a Vertex model id is a 400.
 */
export function vertexModelId(model: string): string {
  const publisher = vertexPublisherOf(model);
  let id = model.replace(publisher === 'anthropic' ? /^anthropic\//i : /^(?:publishers\/)?google\/(?:models\/)?/i, '');
  if (publisher === 'anthropic' && !id.includes('@')) id = id.replace(DATED, '$1@$2');
  if (!SAFE_ID.test(id)) {
    throw GatewayError.invalidRequest(`model: "${model}" is not a Vertex AI model id (letters, digits, ".", "_", "-" and "@")`, 'model');
  }
  return id;
}
