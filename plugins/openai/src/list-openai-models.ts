import type { ModelInfo } from '@switchyard/plugin-sdk';

/** Reads an OpenAI `GET /v1/models` list (vLLM adds `max_model_len`). */
export function parseOpenAIModelList(json: unknown): ModelInfo[] {
  const data = (json as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new Error('the models list has no "data" array');
  const out: ModelInfo[] = [];
  for (const item of data) {
    const m = item as Record<string, unknown>;
    if (typeof m?.id !== 'string') continue;
    out.push({
      id: m.id,
      owned_by: typeof m.owned_by === 'string' ? m.owned_by : undefined,
      created: typeof m.created === 'number' ? m.created : undefined,
      context_length:
        typeof m.max_model_len === 'number' ? m.max_model_len : typeof m.context_length === 'number' ? m.context_length : undefined,
    });
  }
  return out;
}
