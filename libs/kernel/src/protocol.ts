/** The wire protocols an ingress speaks and a backend may speak natively. Also the journal's `ingress`. */
export const PROTOCOLS = ['openai.chat', 'openai.completions', 'openai.embeddings', 'openai.responses', 'anthropic.messages'] as const;

export type Protocol = (typeof PROTOCOLS)[number];

/** The error envelope family a protocol's clients expect. */
export function errorDialect(protocol: Protocol): 'openai' | 'anthropic' {
  return protocol === 'anthropic.messages' ? 'anthropic' : 'openai';
}
