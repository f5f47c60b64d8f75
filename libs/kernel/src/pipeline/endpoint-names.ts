import type { Protocol } from '../protocol.js';

/** The client endpoint of each ingress protocol, as error messages name it. */
export const ENDPOINT_NAMES: Record<Protocol, string> = {
  'openai.chat': '/v1/chat/completions',
  'openai.completions': '/v1/completions',
  'openai.embeddings': '/v1/embeddings',
  'openai.responses': '/v1/responses',
  'anthropic.messages': '/v1/messages',
};
