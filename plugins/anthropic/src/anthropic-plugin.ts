import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { AnthropicAdapter } from './anthropic-adapter.js';
import { AnthropicBackendConfig } from './anthropic-backend-config.js';
import { anthropicMessagesCodec } from './anthropic-messages-codec.js';

/** `type: anthropic`: the Anthropic Messages API (api.anthropic.com or anything that speaks it). */
export const plugin: ProviderPlugin<AnthropicBackendConfig> = {
  type: 'anthropic',
  configClass: AnthropicBackendConfig,
  nativeProtocols: ['anthropic.messages'],
  codecs: [anthropicMessagesCodec],
  providerName: 'anthropic',
  createAdapter: (config, ctx) => new AnthropicAdapter(config, ctx),
};
