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
import { OPENAI_API_PATHS, OPENAI_DEFAULT_BASE_URL, OPENAI_MODELS_PATH } from './openai-api-paths.js';
import { parseOpenAIModelList } from './list-openai-models.js';

/** An OpenAI-compatible backend (vLLM, SGLang, OpenAI, HuggingFace router, …): passthrough. */
export class OpenAIAdapter implements ProviderAdapter {
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
    this.baseUrl = config.base_url ?? OPENAI_DEFAULT_BASE_URL;
    this.auth = authHeaders(config.auth_type, config.api_key);
  }

  /** OpenAI protocols pass through; Anthropic Messages and Responses clients are translated to chat completions. */
  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    if (OPENAI_API_PATHS[ingress]) return ingress;
    return ingress === 'anthropic.messages' || ingress === 'openai.responses' ? 'openai.chat' : null;
  }

  send(call: UpstreamCall): Promise<UpstreamReply> {
    const path = OPENAI_API_PATHS[call.protocol as Protocol];
    if (!path) throw new Error(`the openai plugin does not speak ${call.protocol}`);
    return this.client.send({
      method: 'POST',
      url: joinUrl(this.baseUrl, path),
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
    return parseOpenAIModelList(await this.client.getJson(joinUrl(this.baseUrl, OPENAI_MODELS_PATH), headers, signal));
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
