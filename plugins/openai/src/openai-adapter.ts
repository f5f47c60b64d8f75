import {
  GatewayError,
  JsonHttpBackend,
  mapJsonReply,
  type BackendContext,
  type ModelInfo,
  type Protocol,
  type ProviderAdapter,
  type UpstreamCall,
  type UpstreamReply,
  type WireProtocol,
} from '@switchyard/plugin-sdk';
import { OPENAI_API_PATHS, OPENAI_DEFAULT_BASE_URL, OPENAI_MODELS_PATH } from './openai-api-paths.js';
import { parseOpenAIModelList } from './list-openai-models.js';
import type { OpenAIBackendConfig } from './openai-backend-config.js';
import { countTokensFromTokenize, tokenizeRequestBody, tokenizeUrl } from './count-openai-tokens.js';

/**
 * An OpenAI-compatible backend (vLLM, SGLang, OpenAI, HuggingFace router, …): passthrough; with
 * `tokenize: true`, Anthropic clients' count_tokens through the server's /tokenize.
 */
export class OpenAIAdapter implements ProviderAdapter {
  readonly backendId: string;
  private readonly http: JsonHttpBackend;

  private readonly tokenize: boolean;

  constructor(config: OpenAIBackendConfig, _ctx: BackendContext) {
    this.backendId = config.id;
    this.tokenize = config.tokenize === true;
    this.http = new JsonHttpBackend(config, OPENAI_DEFAULT_BASE_URL);
  }

  /** OpenAI protocols pass through; Anthropic Messages and Responses clients are translated to chat completions. */
  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    if (OPENAI_API_PATHS[ingress]) return ingress;
    return ingress === 'anthropic.messages' || ingress === 'openai.responses' ? 'openai.chat' : null;
  }

  /** count_tokens (Anthropic clients) through vLLM's /tokenize, when the backend says it has one (`tokenize: true`). */
  translatesOperation(operation: string, wire: WireProtocol): boolean {
    return operation === 'count_tokens' && wire === 'openai.chat' && this.tokenize;
  }

  async send(call: UpstreamCall): Promise<UpstreamReply> {
    if (call.operation === 'count_tokens' && this.tokenize) {
      const tokenize = { ...call, body: tokenizeRequestBody(call), rawBody: undefined };
      const reply = await this.http.postTo(tokenizeUrl(this.http.baseUrl), tokenize);
      return mapJsonReply(reply, this.backendId, countTokensFromTokenize(this.backendId));
    }
    if (call.operation !== undefined) {
      throw GatewayError.unsupportedOperation(`backend ${this.backendId} (type openai) cannot serve ${call.operation}`);
    }
    const path = OPENAI_API_PATHS[call.protocol as Protocol];
    if (!path) throw new Error(`the openai plugin does not speak ${call.protocol}`);
    return this.http.post(path, call);
  }

  async listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    return parseOpenAIModelList(await this.http.getJson(OPENAI_MODELS_PATH, signal));
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.listModels(signal);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
