import {
  asArray,
  asObject,
  asString,
  listAdmittedModels,
  type KernelLogger,
  type ModelInfo,
  type SecretRedactor,
  type UpstreamClient,
} from '@switchyard/plugin-sdk';
import type { OllamaBackendConfig } from './ollama-backend-config.js';
import { ollamaUrl } from './ollama-urls.js';

export interface OllamaModelSource {
  config: OllamaBackendConfig;
  client: UpstreamClient;
  headers: Record<string, string>;
  logger: KernelLogger;
  redactor: SecretRedactor;
}

/** `GET /api/tags` (https://github.com/ollama/ollama/blob/main/docs/api.md#list-local-models): the local models' names. */
async function tagModels(src: OllamaModelSource, signal: AbortSignal): Promise<ModelInfo[]> {
  const reply = asObject(await src.client.getJson(ollamaUrl(src.config.base_url, '/api/tags'), src.headers, signal)) ?? {};
  const out: ModelInfo[] = [];
  for (const m of asArray(reply.models) ?? []) {
    const id = asString(asObject(m)?.name) ?? asString(asObject(m)?.model);
    if (id) out.push({ id, owned_by: 'ollama' });
  }
  return out;
}

/**
 * The models a backend lists on GET /v1/models: those `/api/tags` lists that its `models` globs
 * admit (all of them without `models`), plus its literal names. When Ollama cannot be asked, the
 * literal names alone, and a warning.
 */
export function listOllamaModels(src: OllamaModelSource, signal: AbortSignal): Promise<ModelInfo[]> {
  return listAdmittedModels(
    {
      backendId: src.config.id,
      patterns: src.config.models,
      owner: 'ollama',
      what: 'Ollama models',
      logger: src.logger,
      redactor: src.redactor,
      fetchListed: (s) => tagModels(src, s),
    },
    signal,
  );
}
