import {
  authHeaders,
  GatewayError,
  UpstreamClient,
  type BackendContext,
  type ModelInfo,
  type Protocol,
  type ProviderAdapter,
  type UpstreamCall,
  type UpstreamReply,
  type WireProtocol,
} from '@switchyard/plugin-sdk';
import type { OllamaBackendConfig } from './ollama-backend-config.js';
import { OLLAMA_CHAT, OLLAMA_NDJSON } from './ollama-chat-codec.js';
import { OLLAMA_EMBED } from './ollama-embed-codec.js';
import { OLLAMA_GENERATE } from './ollama-generate-codec.js';
import { normaliseOllamaErrorReply } from './ollama-error-reply.js';
import { listOllamaModels } from './list-ollama-models.js';
import { ollamaUrl } from './ollama-urls.js';

/** Every chat ingress is translated to Ollama's native /api/chat. */
const WIRE: Partial<Record<Protocol, WireProtocol>> = {
  'openai.chat': OLLAMA_CHAT,
  'anthropic.messages': OLLAMA_CHAT,
  'openai.responses': OLLAMA_CHAT,
  'openai.embeddings': OLLAMA_EMBED,
  // Legacy completions (prompt, FIM suffix) through /api/generate.
  'openai.completions': OLLAMA_GENERATE,
};

/** The API path of each wire protocol the adapter sends. */
const PATHS: Record<string, string> = { [OLLAMA_CHAT]: '/api/chat', [OLLAMA_EMBED]: '/api/embed', [OLLAMA_GENERATE]: '/api/generate' };

/**
 * An Ollama backend: `/api/chat`, `/api/generate` and `/api/embed` over the gateway's upstream
 * client (its pool, timeouts, TLS and proxy settings), streamed as NDJSON; the model list from `/api/tags`. Ollama's `{"error"}`
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

  /** Chat endpoints go to /api/chat, embeddings to /api/embed, completions to /api/generate; no operation (count_tokens: no translatesOperation) and no other endpoint. */
  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    return WIRE[ingress] ?? null;
  }

  async send(call: UpstreamCall): Promise<UpstreamReply> {
    if (call.operation !== undefined)
      throw GatewayError.unsupportedOperation(`backend ${this.backendId} (type ollama) cannot serve ${call.operation}`);
    const path = PATHS[call.protocol];
    if (path === undefined) throw new Error(`the ollama plugin does not speak ${call.protocol}`);
    const streams = call.stream && call.protocol !== OLLAMA_EMBED;
    const reply = await this.client.send({
      method: 'POST',
      url: ollamaUrl(this.config.base_url, path),
      headers: {
        ...this.headers,
        'content-type': 'application/json',
        accept: streams ? OLLAMA_NDJSON : 'application/json',
        'x-request-id': call.requestId,
        traceparent: call.traceparent,
      },
      // /api/embed has no `stream`; chat and generate stream unless told `false`.
      body: JSON.stringify(call.protocol === OLLAMA_EMBED ? call.body : { ...call.body, stream: call.stream }),
      signal: call.signal,
    });
    return reply.status < 400 ? reply : normaliseOllamaErrorReply(reply);
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
