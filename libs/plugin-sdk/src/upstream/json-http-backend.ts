import type { BackendConfig } from '../config/schema/backend-config.js';
import type { UpstreamCall, UpstreamReply } from '../plugin/provider-plugin.js';
import { authHeaders, buildUpstreamHeaders } from './header-policy.js';
import { joinUrl } from './join-url.js';
import { UpstreamClient } from './upstream-client.js';

/**
 * The HTTP side of a backend that takes JSON over POST and lists models with GET (the chat and
 * Responses API servers): one connection pool, the backend's credentials and `headers:`, the
 * header policy, `base_url` joining. Adapters compose it and keep only what differs (paths, wire
 * protocols, how the model list reads).
 */
export class JsonHttpBackend {
  readonly baseUrl: string;
  private readonly client: UpstreamClient;
  private readonly auth: Record<string, string>;
  private readonly getHeaders: Record<string, string>;

  constructor(
    private readonly config: BackendConfig,
    defaultBaseUrl: string,
  ) {
    this.client = new UpstreamClient(config.id, config);
    this.baseUrl = config.base_url ?? defaultBaseUrl;
    this.auth = authHeaders(config.auth_type, config.api_key);
    const extra: Record<string, string> = {};
    if (config.headers) for (const [k, v] of Object.entries(config.headers)) extra[k.toLowerCase()] = v;
    this.getHeaders = { ...extra, ...this.auth, accept: 'application/json' };
  }

  /** POST the call's body (the client's own bytes when unchanged) to `apiPath`. */
  post(apiPath: string, call: UpstreamCall): Promise<UpstreamReply> {
    return this.postTo(joinUrl(this.baseUrl, apiPath), call);
  }

  /** POST the call's body (the client's own bytes when unchanged) to a full URL of this backend. */
  postTo(url: string, call: UpstreamCall): Promise<UpstreamReply> {
    return this.client.send({
      method: 'POST',
      url,
      headers: buildUpstreamHeaders(call.clientHeaders, {
        auth: this.auth,
        extra: this.config.headers,
        forwardClientAuth: this.config.forward_client_auth && !this.config.api_key,
        requestId: call.requestId,
        traceparent: call.traceparent,
        contentType: 'application/json',
      }),
      body: call.rawBody ?? JSON.stringify(call.body),
      signal: call.signal,
    });
  }

  /** GET `apiPath` as JSON with the backend's credentials (model listing, probes). */
  getJson(apiPath: string, signal: AbortSignal): Promise<unknown> {
    return this.client.getJson(joinUrl(this.baseUrl, apiPath), this.getHeaders, signal);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
