import {
  authHeaders,
  buildUpstreamHeaders,
  GatewayError,
  joinUrl,
  UpstreamClient,
  type BackendContext,
  type ModelInfo,
  type Protocol,
  type ProviderAdapter,
  type UpstreamCall,
  type UpstreamReply,
  type WireProtocol,
} from '@switchyard/plugin-sdk';
import type { AnthropicBackendConfig } from './anthropic-backend-config.js';
import {
  ANTHROPIC_COUNT_TOKENS_PATH,
  ANTHROPIC_DEFAULT_BASE_URL,
  ANTHROPIC_DEFAULT_VERSION,
  ANTHROPIC_MESSAGES_PATH,
  ANTHROPIC_MODELS_PATH,
} from './anthropic-api-paths.js';
import { fillAnthropicMaxTokens, shapeAnthropicCountTokensBody } from './fill-anthropic-max-tokens.js';
import { parseAnthropicModelList } from './list-anthropic-models.js';

/** Ingress protocols an Anthropic backend serves, and in which wire protocol. */
const WIRE: Partial<Record<Protocol, WireProtocol>> = {
  'anthropic.messages': 'anthropic.messages',
  'openai.chat': 'anthropic.messages',
  'openai.responses': 'anthropic.messages',
};

/** Model-list pages fetched at most (1000 models each). */
const MAX_MODEL_PAGES = 10;

/**
 * An Anthropic Messages API backend. /v1/messages clients pass through untouched (the client's
 * bytes, `anthropic-beta` and `?beta=true` included; only `model` and profiles change them);
 * OpenAI chat clients are translated by the kernel through the anthropic.messages codec.
 */
export class AnthropicAdapter implements ProviderAdapter {
  readonly backendId: string;
  private readonly client: UpstreamClient;
  private readonly baseUrl: string;
  private readonly auth: Record<string, string>;
  private readonly version: string;

  constructor(
    private readonly config: AnthropicBackendConfig,
    _ctx: BackendContext,
  ) {
    this.backendId = config.id;
    this.client = new UpstreamClient(config.id, config);
    this.baseUrl = config.base_url ?? ANTHROPIC_DEFAULT_BASE_URL;
    this.auth = authHeaders(config.auth_type ?? 'x-api-key', config.api_key);
    this.version = config.anthropic_version ?? ANTHROPIC_DEFAULT_VERSION;
  }

  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    return WIRE[ingress] ?? null;
  }

  send(call: UpstreamCall): Promise<UpstreamReply> {
    if (call.protocol !== 'anthropic.messages') throw new Error(`the anthropic plugin does not speak ${call.protocol}`);
    let path: string;
    let reshaped: Record<string, unknown> | null;
    if (call.operation === 'count_tokens') {
      path = ANTHROPIC_COUNT_TOKENS_PATH;
      reshaped = shapeAnthropicCountTokensBody(call.body);
    } else if (call.operation === undefined) {
      path = ANTHROPIC_MESSAGES_PATH;
      reshaped = fillAnthropicMaxTokens(call.body, this.config.default_max_tokens);
    } else {
      throw GatewayError.unsupportedOperation(`backend ${this.backendId} (type anthropic) cannot serve ${call.operation}`);
    }
    return this.client.send({
      method: 'POST',
      url: joinUrl(this.baseUrl, path, call.query),
      headers: this.headers(call),
      body: reshaped ? JSON.stringify(reshaped) : (call.rawBody ?? JSON.stringify(call.body)),
      signal: call.signal,
    });
  }

  async listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    const headers = { ...this.headersForGet(), accept: 'application/json' };
    const models: ModelInfo[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_MODEL_PAGES; page++) {
      const query: string = after ? `limit=1000&after_id=${encodeURIComponent(after)}` : 'limit=1000';
      const result = parseAnthropicModelList(
        await this.client.getJson(joinUrl(this.baseUrl, ANTHROPIC_MODELS_PATH, query), headers, signal),
      );
      models.push(...result.models);
      if (!result.hasMore || !result.lastId) break;
      after = result.lastId;
    }
    return models;
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.listModels(signal);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** SPEC §3 header policy, then `anthropic-version`: the client's when it sent one, else the configured one. */
  private headers(call: UpstreamCall): Record<string, string> {
    const headers = buildUpstreamHeaders(call.clientHeaders, {
      auth: this.auth,
      extra: this.config.headers,
      forwardClientAuth: this.config.forward_client_auth && !this.config.api_key,
      requestId: call.requestId,
      traceparent: call.traceparent,
      contentType: 'application/json',
    });
    headers['anthropic-version'] ??= this.version;
    return headers;
  }

  private headersForGet(): Record<string, string> {
    const extra: Record<string, string> = {};
    if (this.config.headers) for (const [k, v] of Object.entries(this.config.headers)) extra[k.toLowerCase()] = v;
    return { 'anthropic-version': this.version, ...extra, ...this.auth };
  }
}
