import type { ProviderPlugin } from '@switchyard/kernel';
import { OpenAIAdapter } from './openai-adapter.js';

/** Backend type `openai`: any OpenAI-compatible server, passed through untouched. */
export const plugin: ProviderPlugin = {
  type: 'openai',
  nativeProtocols: ['openai.chat', 'openai.completions', 'openai.embeddings'],
  streamUsageOption: true,
  providerName: 'openai',
  createAdapter: (config, ctx) => new OpenAIAdapter(config, ctx),
};

export default plugin;
export { OpenAIAdapter } from './openai-adapter.js';
export { OPENAI_API_PATHS, OPENAI_DEFAULT_BASE_URL } from './openai-api-paths.js';
export { parseOpenAIModelList } from './list-openai-models.js';
