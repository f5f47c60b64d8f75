import type { ModelInfo } from '@switchyard/plugin-sdk';

/** Reads an OpenAI-style `GET /v1/models` list (`{data: [{id, owned_by, created}]}`; vLLM's `max_model_len` too). */
export function parseOpenResponsesModelList(json: unknown): ModelInfo[] {
  const data = (json as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new Error('the models list has no "data" array');
  const out: ModelInfo[] = [];
  for (const item of data) {
    const m = item as Record<string, unknown>;
    if (typeof m?.id !== 'string') continue;
    const info: ModelInfo = { id: m.id };
    if (typeof m.owned_by === 'string') info.owned_by = m.owned_by;
    if (typeof m.created === 'number') info.created = m.created;
    const context = m.context_length ?? m.max_model_len ?? m.max_context_length;
    if (typeof context === 'number') info.context_length = context;
    out.push(info);
  }
  return out;
}
