import type { ModelInfo } from '@switchyard/plugin-sdk';

/** One page of Anthropic's `GET /v1/models`: `{data: [{type: model, id, display_name, created_at}], has_more, last_id}`. */
export function parseAnthropicModelList(json: unknown): { models: ModelInfo[]; hasMore: boolean; lastId: string | null } {
  const page = json as { data?: unknown; has_more?: unknown; last_id?: unknown } | null;
  if (!Array.isArray(page?.data)) throw new Error('the models list has no "data" array');
  const models: ModelInfo[] = [];
  for (const item of page.data) {
    const m = item as Record<string, unknown>;
    if (typeof m?.id !== 'string') continue;
    const created = typeof m.created_at === 'string' ? Date.parse(m.created_at) : NaN;
    const info: ModelInfo = { id: m.id, owned_by: 'anthropic' };
    if (Number.isFinite(created)) info.created = Math.floor(created / 1000);
    const context = m.max_input_tokens ?? m.context_window;
    if (typeof context === 'number') info.context_length = context;
    models.push(info);
  }
  return { models, hasMore: page.has_more === true, lastId: typeof page.last_id === 'string' ? page.last_id : null };
}
