import {
  JsonHttpBackend,
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
  private readonly http: JsonHttpBackend;

  constructor(config: BackendConfig, _ctx: BackendContext) {
    this.backendId = config.id;
    this.http = new JsonHttpBackend(config, OPENAI_DEFAULT_BASE_URL);
  }

  /** OpenAI protocols pass through; Anthropic Messages and Responses clients are translated to chat completions. */
  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    if (OPENAI_API_PATHS[ingress]) return ingress;
    return ingress === 'anthropic.messages' || ingress === 'openai.responses' ? 'openai.chat' : null;
  }

  send(call: UpstreamCall): Promise<UpstreamReply> {
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
