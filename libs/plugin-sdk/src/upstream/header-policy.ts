import type { IncomingHeaders } from '../plugin/provider-plugin.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus those the gateway always sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** Client headers never sent upstream: transport, credentials, cookies, and those the gateway sets. */
const NOT_FORWARDED = new Set([
  ...HOP_BY_HOP,
  'host',
  'content-length',
  'accept-encoding',
  'cookie',
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'x-request-id',
  'traceparent',
  'tracestate',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);

/** Upstream reply headers never sent to the client. */
const NOT_RETURNED = new Set([
  ...HOP_BY_HOP,
  'set-cookie',
  'content-length',
  'content-encoding',
  'date',
  'server',
  'x-request-id',
  'request-id',
  'alt-svc',
  'strict-transport-security',
]);

/**
 * The header names a `Connection` header lists: hop-by-hop for that message (RFC 9110 §7.6.1),
 * never forwarded. Null when there is none (the usual case: no allocation).
 */
function namedInConnection(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  const names = new Set<string>();
  for (const token of (Array.isArray(value) ? value.join(',') : value).split(',')) {
    const name = token.trim().toLowerCase();
    if (name && !HOP_BY_HOP.has(name)) names.add(name);
  }
  return names.size > 0 ? names : null;
}

/** Upstream CORS headers: the gateway's own CORS policy (server.cors) alone answers browsers. */
const isCorsHeader = (name: string): boolean => name.startsWith('access-control-');

export interface UpstreamHeaderOptions {
  /** The backend's own credentials, e.g. `{ authorization: 'Bearer …' }`. Replace the client's. */
  auth: Record<string, string>;
  /** `headers:` from the backend config. */
  extra?: Record<string, string>;
  /** Pass the client's own Authorization / x-api-key on (only when the backend has no api_key). */
  forwardClientAuth?: boolean;
  requestId: string;
  traceparent: string;
  contentType?: string;
}

/** Headers for the upstream request (SPEC §3 "Headers"). Header names are lower-case. */
export function buildUpstreamHeaders(client: IncomingHeaders, opts: UpstreamHeaderOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const hop = namedInConnection(client['connection']);
  for (const name in client) {
    if (NOT_FORWARDED.has(name) || hop?.has(name)) continue;
    const value = client[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (opts.forwardClientAuth) {
    const authz = client['authorization'];
    const key = client['x-api-key'];
    if (typeof authz === 'string') out['authorization'] = authz;
    if (typeof key === 'string') out['x-api-key'] = key;
  }
  if (opts.extra) for (const name in opts.extra) out[name.toLowerCase()] = opts.extra[name]!;
  for (const name in opts.auth) out[name] = opts.auth[name]!;
  out['accept-encoding'] = 'identity';
  out['x-request-id'] = opts.requestId;
  out['traceparent'] = opts.traceparent;
  if (opts.contentType) out['content-type'] = opts.contentType;
  return out;
}

/**
 * Headers of the upstream reply that go to the client, plus `x-upstream-request-id`: not
 * hop-by-hop ones (those listed, and those its `Connection` header names), not `access-control-*`.
 */
export function filterReplyHeaders(upstream: IncomingHeaders, sse: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const hop = namedInConnection(upstream['connection']);
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || NOT_RETURNED.has(name) || isCorsHeader(name) || hop?.has(name)) continue;
    out[name] = value;
  }
  const upstreamId = upstream['x-request-id'] ?? upstream['request-id'];
  if (upstreamId !== undefined) out['x-upstream-request-id'] = Array.isArray(upstreamId) ? upstreamId[0]! : upstreamId;
  if (sse) {
    out['cache-control'] = 'no-cache';
    out['x-accel-buffering'] = 'no';
  }
  return out;
}

/** `Authorization` / `x-api-key` for a backend's auth_type. */
export function authHeaders(authType: string | undefined, apiKey: string | undefined): Record<string, string> {
  if (!apiKey) return {};
  switch (authType ?? 'bearer') {
    case 'bearer':
      return { authorization: `Bearer ${apiKey}` };
    case 'x-api-key':
      return { 'x-api-key': apiKey };
    default:
      return {};
  }
}
