import type { Measurement } from '../observability/exchange-measurement.js';
import type { AttemptRecord, Exchange } from '../pipeline/exchange.js';
import { priceUsage } from '../governance/price-usage.js';

/** One journal line (SPEC §5). Field order is the order written. */
export interface JournalRecord {
  /** ISO 8601 (UTC) of when the gateway took the request. */
  ts: string;
  request_id: string;
  /** The client's wire protocol (openai.chat, openai.completions, openai.embeddings, openai.responses, anthropic.messages). */
  ingress: string;
  /** The virtual model the client named, or null (a backend's own model name, or unroutable). */
  virtual_model: string | null;
  backend: string | null;
  real_model: string | null;
  stream: boolean;
  /** HTTP status the client got; 499 when the client went away first. */
  status: number;
  /** Why it failed (the gateway's own, redacted message), or null. */
  error: string | null;
  ttft_ms: number | null;
  duration_ms: number;
  input_tokens: number | null;
  output_tokens: number | null;
  tokens_per_second: number | null;
  /** What the request cost in USD by the configuration's prices (issue #20), or null when its model has no price. */
  spend_usd: number | null;
  /** Which fields the virtual model's profile set, by layer (defaults, clamp, limits, system_prompt), or null. */
  profile: Record<string, string[]> | null;
  /** The inbound key's configured name, or its HMAC; never the key. Null without inbound auth. */
  client_key_id: string | null;
  bytes_in: number;
  bytes_out: number;
  upstream_request_id: string | null;
  /** Every upstream attempt in order, {backend, real_model, status | error, ms}; more than one after a failover. Always written (empty when none was made). */
  attempts?: AttemptRecord[];
  /** Only for an auto_route virtual model: which slot the content chose and the model it points at. */
  auto_route?: { virtual_model: string; kind: 'text' | 'vision'; target: string };
  /** Only with `journal.include_bodies: true`. */
  request_body?: unknown;
  /** Only with `journal.include_bodies: true`: the JSON reply, or a stream's text as the upstream sent it. */
  response_body?: unknown;
  /** Present (true) when `response_body` was cut at the size limit. */
  response_body_truncated?: boolean;
}

/** The response body the journal keeps when bodies are on (a stream's text is captured separately). */
export interface CapturedBodies {
  /** A stream's text as received, when the response streamed. */
  streamText?: string | null;
  streamTruncated?: boolean;
}

/** Error messages longer than this are cut (a 404 lists every routable model). */
export const MAX_ERROR_CHARS = 1000;

/** Rounds to one decimal (ms, tokens/s); null stays null. */
export function round1(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.round(value * 10) / 10;
}

function errorText(exchange: Exchange, m: Measurement): string | null {
  const message = m.end.error?.message ?? (m.end.aborted ? 'client closed the request' : null);
  if (message === null) return null;
  return message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS)}…` : message;
}

function parsedBody(body: Buffer | null): unknown {
  if (!body || body.length === 0) return null;
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The request's cost by its price (0 without usage), rounded to 1e-8 USD; null when unpriced. */
function spendUsd(exchange: Exchange, m: Measurement): number | null {
  const price = exchange.decision ? exchange.priceOf?.(exchange.decision) : null;
  if (!price) return null;
  return m.usage ? Math.round(priceUsage(price, m.usage) * 1e8) / 1e8 : 0;
}

/**
 * The journal line for an ended exchange, from the shared measurement. Bodies are added only
 * when `bodies` is given (journal `include_bodies`); otherwise no prompt or completion text.
 */
export function journalRecord(exchange: Exchange, m: Measurement, bodies?: CapturedBodies): JournalRecord {
  const d = exchange.decision;
  const usage = m.usage;
  const record: JournalRecord = {
    ts: new Date(exchange.ts).toISOString(),
    request_id: exchange.requestId,
    ingress: exchange.protocol,
    virtual_model: d?.virtualModel ?? null,
    backend: d?.backendId ?? null,
    real_model: d?.realModel ?? null,
    stream: exchange.stream,
    status: m.end.status,
    error: errorText(exchange, m),
    ttft_ms: round1(m.ttftMs),
    duration_ms: round1(m.durationMs) ?? 0,
    input_tokens: usage ? usage.inputTokens : null,
    output_tokens: usage ? usage.outputTokens : null,
    tokens_per_second: round1(m.tokensPerSecond),
    spend_usd: spendUsd(exchange, m),
    profile: exchange.profileApplied,
    client_key_id: exchange.clientKeyId,
    bytes_in: exchange.bytesIn,
    bytes_out: m.end.bytesOut,
    upstream_request_id: exchange.upstreamRequestId,
    attempts: exchange.attempts,
  };
  if (d?.autoRoute) record.auto_route = { virtual_model: d.autoRoute.virtualModel, kind: d.autoRoute.kind, target: d.autoRoute.target };
  if (bodies) {
    record.request_body = exchange.requestBody ?? null;
    if (bodies.streamText !== undefined && bodies.streamText !== null) {
      record.response_body = bodies.streamText;
      if (bodies.streamTruncated) record.response_body_truncated = true;
    } else {
      record.response_body = parsedBody(exchange.responseBody);
    }
  }
  return record;
}
