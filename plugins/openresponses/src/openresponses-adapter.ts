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
} from '@switchyard/plugin-sdk';
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
  private readonly http: JsonHttpBackend;

  constructor(config: BackendConfig, _ctx: BackendContext) {
    this.backendId = config.id;
    this.http = new JsonHttpBackend(config, OPENRESPONSES_DEFAULT_BASE_URL);
  }

  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    return WIRE[ingress] ?? null;
  }

  send(call: UpstreamCall): Promise<UpstreamReply> {
    if (call.protocol !== 'openai.responses') throw new Error(`the openresponses plugin does not speak ${call.protocol}`);
    return this.http.post(OPENRESPONSES_RESPONSES_PATH, call);
  }

  async listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    return parseOpenResponsesModelList(await this.http.getJson(OPENRESPONSES_MODELS_PATH, signal));
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.listModels(signal);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
