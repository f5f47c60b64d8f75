import {
  asArray,
  asObject,
  asString,
  compileModelGlob,
  isLiteralGlob,
  type KernelLogger,
  type ModelInfo,
  type SecretRedactor,
  type UpstreamClient,
} from '@switchyard/kernel';
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
export async function listOllamaModels(src: OllamaModelSource, signal: AbortSignal): Promise<ModelInfo[]> {
  const patterns = src.config.models;
  const literal: ModelInfo[] = (patterns ?? []).filter((m) => isLiteralGlob(m)).map((id) => ({ id, owned_by: 'ollama' }));
  let listed: ModelInfo[];
  try {
    listed = await tagModels(src, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    const reason = src.redactor.redact(err instanceof Error ? err.message : String(err));
    src.logger.warn(
      { backend: src.config.id },
      `backend ${src.config.id}: could not list Ollama models (${reason}); listing the configured names`,
    );
    return literal;
  }
  const admitted = patterns?.map((p) => compileModelGlob(p));
  const seen = new Set<string>();
  const out: ModelInfo[] = [];
  for (const m of [...listed.filter((m) => !admitted || admitted.some((match) => match(m.id))), ...literal]) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    out.push(m);
  }
  return out;
}
