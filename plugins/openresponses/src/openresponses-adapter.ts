import {
  authHeaders,
  buildUpstreamHeaders,
  joinUrl,
  UpstreamClient,
  type BackendConfig,
  type BackendContext,
  type ModelInfo,
  type Protocol,
  type ProviderAdapter,
  type UpstreamCall,
  type UpstreamReply,
  type WireProtocol,
} from '@switchyard/kernel';
import { OPENRESPONSES_DEFAULT_BASE_URL, OPENRESPONSES_MODELS_PATH, OPENRESPONSES_RESPONSES_PATH } from './openresponses-api-paths.js';
import { parseOpenResponsesModelList } from './list-openresponses-models.js';

/** Ingress protocols an OpenResponses backend serves, and in which wire protocol. */
const WIRE: Partial<Record<Protocol, WireProtocol>> = {
  'openai.responses': 'openai.responses',
  'openai.chat': 'openai.responses',
  'anthropic.messages': 'openai.responses',
};

/**
 * A backend that speaks the Responses API (OpenAI, LM Studio, vLLM's and Ollama's /v1/responses,
 * any OpenResponses server): POST {base_url}/v1/responses. /v1/responses clients pass through
 * untouched (the client's bytes, streamed or not, `store` and `previous_response_id` included;
 * only `model` and profiles change them); chat and messages clients are translated by the kernel
 * through the openai.responses codec.
 */
export class OpenResponsesAdapter implements ProviderAdapter {
  readonly backendId: string;
  private readonly client: UpstreamClient;
  private readonly baseUrl: string;
  private readonly auth: Record<string, string>;

  constructor(
    private readonly config: BackendConfig,
    _ctx: BackendContext,
  ) {
    this.backendId = config.id;
    this.client = new UpstreamClient(config.id, config);
    this.baseUrl = config.base_url ?? OPENRESPONSES_DEFAULT_BASE_URL;
    this.auth = authHeaders(config.auth_type, config.api_key);
  }

  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    return WIRE[ingress] ?? null;
  }

  send(call: UpstreamCall): Promise<UpstreamReply> {
    if (call.protocol !== 'openai.responses') throw new Error(`the openresponses plugin does not speak ${call.protocol}`);
    return this.client.send({
      method: 'POST',
      url: joinUrl(this.baseUrl, OPENRESPONSES_RESPONSES_PATH),
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

  async listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    const headers = { ...this.headersForGet(), accept: 'application/json' };
    return parseOpenResponsesModelList(await this.client.getJson(joinUrl(this.baseUrl, OPENRESPONSES_MODELS_PATH), headers, signal));
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.listModels(signal);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private headersForGet(): Record<string, string> {
    const extra: Record<string, string> = {};
    if (this.config.headers) for (const [k, v] of Object.entries(this.config.headers)) extra[k.toLowerCase()] = v;
    return { ...extra, ...this.auth };
  }
}
