import type { KernelLogger } from '../logger.js';
import type { ModelInfo } from '../plugin/provider-plugin.js';
import { compileModelGlob, isLiteralGlob } from '../router/compile-model-glob.js';
import type { SecretRedactor } from '../secrets/secret-redactor.js';

export interface AdmittedModelsSource {
  backendId: string;
  /** The backend's `models` globs; undefined admits every listed model. */
  patterns: readonly string[] | undefined;
  /** `owned_by` of the literal names. */
  owner: string;
  /** What the listing is called in the warning ("the served models"). */
  what: string;
  logger: KernelLogger;
  redactor: SecretRedactor;
  /** Asks the backend for its models; absent: the literal names alone. */
  fetchListed?: (signal: AbortSignal) => Promise<ModelInfo[]>;
}

/**
 * The models a backend lists on GET /v1/models: those its own listing reports that its `models`
 * globs admit, plus its literal names, each once. When the listing fails, the literal names alone,
 * and a warning (the reason redacted).
 */
export async function listAdmittedModels(src: AdmittedModelsSource, signal: AbortSignal): Promise<ModelInfo[]> {
  const literal: ModelInfo[] = (src.patterns ?? []).filter((m) => isLiteralGlob(m)).map((id) => ({ id, owned_by: src.owner }));
  if (!src.fetchListed) return literal;
  let listed: ModelInfo[];
  try {
    listed = await src.fetchListed(signal);
  } catch (err) {
    if (signal.aborted) throw err;
    const reason = src.redactor.redact(err instanceof Error ? err.message : String(err));
    src.logger.warn(
      { backend: src.backendId },
      `backend ${src.backendId}: could not list ${src.what} (${reason}); listing the configured names`,
    );
    return literal;
  }
  const admitted = src.patterns?.map((p) => compileModelGlob(p));
  const seen = new Set<string>();
  const out: ModelInfo[] = [];
  for (const m of [...listed.filter((m) => !admitted || admitted.some((match) => match(m.id))), ...literal]) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    out.push(m);
  }
  return out;
}
