import { Readable } from 'node:stream';
import {
  authHeaders,
  GatewayError,
  readBody,
  UpstreamClient,
  type BackendContext,
  type ModelInfo,
  type Protocol,
  type ProviderAdapter,
  type UpstreamCall,
  type UpstreamReply,
  type WireProtocol,
} from '@switchyard/kernel';
import { decodeOllamaEmbedReply } from './decode-ollama-embed-reply.js';
import { encodeOllamaEmbed } from './encode-ollama-embed.js';
import type { OllamaBackendConfig } from './ollama-backend-config.js';
import { OLLAMA_CHAT, OLLAMA_NDJSON } from './ollama-chat-codec.js';
import { normaliseOllamaErrorReply } from './ollama-error-reply.js';
import { listOllamaModels } from './list-ollama-models.js';
import { ollamaUrl } from './ollama-urls.js';

/** Every chat ingress is translated to Ollama's native /api/chat. */
const WIRE: Partial<Record<Protocol, WireProtocol>> = {
  'openai.chat': OLLAMA_CHAT,
  'anthropic.messages': OLLAMA_CHAT,
  'openai.responses': OLLAMA_CHAT,
  // Answered by /api/embed: the adapter translates the body and the reply (sendEmbed).
  'openai.embeddings': 'openai.embeddings',
};

/** Embedding replies are read whole (a batch of vectors); more than this is refused. */
const EMBED_REPLY_LIMIT = 64 * 1024 * 1024;

/**
 * An Ollama backend: `/api/chat` over the gateway's upstream client (its pool, timeouts, TLS and
 * proxy settings), streamed as NDJSON; the model list from `/api/tags`. Ollama's `{"error"}`
 * replies keep their status and message (ollama-error-reply).
 */
export class OllamaAdapter implements ProviderAdapter {
  readonly backendId: string;
  private readonly client: UpstreamClient;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly config: OllamaBackendConfig,
    private readonly ctx: BackendContext,
  ) {
    this.backendId = config.id;
    this.client = new UpstreamClient(config.id, config);
    const extra: Record<string, string> = {};
    for (const [k, v] of Object.entries(config.headers ?? {})) extra[k.toLowerCase()] = v;
    // A key (ollama.com, or a proxy in front of Ollama) goes as a bearer token; local Ollama needs none.
    this.headers = { ...extra, ...authHeaders(config.api_key ? (config.auth_type ?? 'bearer') : 'none', config.api_key) };
  }

  /** Chat endpoints go to /api/chat, embeddings to /api/embed; no operation (count_tokens: no translatesOperation) and no other endpoint. */
  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    return WIRE[ingress] ?? null;
  }

  async send(call: UpstreamCall): Promise<UpstreamReply> {
    if (call.operation !== undefined)
      throw GatewayError.unsupportedOperation(`backend ${this.backendId} (type ollama) cannot serve ${call.operation}`);
    if (call.protocol === 'openai.embeddings') return this.sendEmbed(call);
    if (call.protocol !== OLLAMA_CHAT) throw new Error(`the ollama plugin does not speak ${call.protocol}`);
    const reply = await this.client.send({
      method: 'POST',
      url: ollamaUrl(this.config.base_url, '/api/chat'),
      headers: {
        ...this.headers,
        'content-type': 'application/json',
        accept: call.stream ? OLLAMA_NDJSON : 'application/json',
        'x-request-id': call.requestId,
        traceparent: call.traceparent,
      },
      body: JSON.stringify({ ...call.body, stream: call.stream }),
      signal: call.signal,
    });
    return reply.status < 400 ? reply : normaliseOllamaErrorReply(reply);
  }

  /** `/v1/embeddings` through `/api/embed`: the OpenAI body translated, the reply made an OpenAI embeddings list. */
  private async sendEmbed(call: UpstreamCall): Promise<UpstreamReply> {
    const reply = await this.client.send({
      method: 'POST',
      url: ollamaUrl(this.config.base_url, '/api/embed'),
      headers: { ...this.headers, 'content-type': 'application/json', 'x-request-id': call.requestId, traceparent: call.traceparent },
      body: JSON.stringify(encodeOllamaEmbed(call.body, call.model)),
      signal: call.signal,
    });
    if (reply.status >= 400) return normaliseOllamaErrorReply(reply);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(reply.body, EMBED_REPLY_LIMIT));
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw GatewayError.badGateway('the backend sent an embeddings reply that is not JSON', 'upstream_malformed');
    }
    const out = Buffer.from(JSON.stringify(decodeOllamaEmbedReply(parsed, call.model, call.body.encoding_format)));
    const headers = { ...reply.headers, 'content-type': 'application/json', 'content-length': String(out.length) };
    return { status: reply.status, headers, body: Readable.from([out]) };
  }

  /** The models `/api/tags` lists that the backend's `models` globs admit, plus its literal names. */
  listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    return listOllamaModels(
      { config: this.config, client: this.client, headers: this.headers, logger: this.ctx.logger, redactor: this.ctx.redactor },
      signal,
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
