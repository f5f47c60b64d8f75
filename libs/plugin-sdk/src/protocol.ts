/** The wire protocols an ingress speaks and a backend may speak natively. Also the journal's `ingress`. */
export const PROTOCOLS = ['openai.chat', 'openai.completions', 'openai.embeddings', 'openai.responses', 'anthropic.messages'] as const;

export type Protocol = (typeof PROTOCOLS)[number];

/** One client endpoint: its paths (with and without `/v1`), the client protocol, a sub-operation. */
export interface ClientEndpoint {
  readonly paths: readonly string[];
  readonly protocol: Protocol;
  /** A sub-operation of the protocol's endpoint (`count_tokens`), served where the lane allows it. */
  readonly operation?: string;
}

/**
 * The endpoints that carry model traffic: the one table of path ↔ client protocol. The application
 * registers a POST route for each path; errors answered before routing use the envelope of the
 * path's protocol; the kernel names the endpoint in its messages.
 */
export const CLIENT_ENDPOINTS: readonly ClientEndpoint[] = [
  { paths: ['/v1/chat/completions', '/chat/completions'], protocol: 'openai.chat' },
  { paths: ['/v1/completions', '/completions'], protocol: 'openai.completions' },
  { paths: ['/v1/embeddings', '/embeddings'], protocol: 'openai.embeddings' },
  { paths: ['/v1/responses', '/responses'], protocol: 'openai.responses' },
  { paths: ['/v1/messages', '/messages'], protocol: 'anthropic.messages' },
  { paths: ['/v1/messages/count_tokens', '/messages/count_tokens'], protocol: 'anthropic.messages', operation: 'count_tokens' },
];

/** The endpoint's `/v1` path for a protocol (and operation), as the kernel names it in messages. */
export function endpointPath(protocol: Protocol, operation?: string): string {
  const endpoint = CLIENT_ENDPOINTS.find((e) => e.protocol === protocol && e.operation === operation);
  return endpoint?.paths[0] ?? protocol;
}

/**
 * The client protocol of a request URL (its query string ignored): the endpoint whose path it is,
 * or under whose path it lies (`/v1/messages/batches`); undefined for any other path.
 */
export function protocolForUrl(url: string): Protocol | undefined {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  for (const endpoint of CLIENT_ENDPOINTS) {
    for (const p of endpoint.paths) if (path === p || path.startsWith(`${p}/`)) return endpoint.protocol;
  }
  return undefined;
}
