import {
  authHeaders,
  buildUpstreamHeaders,
  GatewayError,
  isObject,
  joinUrl,
  UpstreamClient,
  type ModelInfo,
  type Protocol,
  type ProviderAdapter,
  type UpstreamCall,
  type UpstreamReply,
  type WireProtocol,
} from '@switchyard/plugin-sdk';
import type { AcmeBackendConfig } from './acme-backend-config.js';
import { ACME_GENERATE } from './acme-codec.js';

const DEFAULT_BASE_URL = 'http://127.0.0.1:8700';

/** One configured `type: acme` backend. */
export class AcmeAdapter implements ProviderAdapter {
  readonly backendId: string;
  /** undici pool with the backend's timeouts, TLS and HTTPS_PROXY settings. */
  private readonly client: UpstreamClient;

  constructor(private readonly config: AcmeBackendConfig) {
    this.backendId = config.id;
    this.client = new UpstreamClient(config.id, config);
  }

  /** Chat-like clients are translated to Acme's protocol; embeddings are not served. */
  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    return ingress === 'openai.embeddings' ? null : ACME_GENERATE;
  }

  send(call: UpstreamCall): Promise<UpstreamReply> {
    if (call.operation !== undefined) throw GatewayError.unsupportedOperation(`backend ${this.backendId} cannot serve ${call.operation}`);
    return this.client.send({
      method: 'POST',
      url: joinUrl(this.config.base_url ?? DEFAULT_BASE_URL, '/generate'),
      headers: buildUpstreamHeaders(call.clientHeaders, {
        auth: authHeaders(this.config.auth_type, this.config.api_key),
        extra: this.config.headers,
        requestId: call.requestId,
        traceparent: call.traceparent,
        contentType: 'application/json',
      }),
      body: JSON.stringify({ max_new_tokens: this.config.max_new_tokens, ...call.body, stream: call.stream }),
      signal: call.signal,
    });
  }

  async listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    const url = joinUrl(this.config.base_url ?? DEFAULT_BASE_URL, '/models');
    const list = await this.client.getJson(url, authHeaders(this.config.auth_type, this.config.api_key), signal);
    const names = isObject(list) && Array.isArray(list.models) ? list.models : [];
    return names.filter((id): id is string => typeof id === 'string').map((id) => ({ id, owned_by: 'acme' }));
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
