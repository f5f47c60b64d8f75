import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { EchoAdapter } from './echo-adapter.js';
import { EchoBackendConfig } from './echo-backend-config.js';

/** Backend `type: echo`: answers every chat request with its last user message. */
export const plugin: ProviderPlugin<EchoBackendConfig> = {
  type: 'echo',
  configClass: EchoBackendConfig,
  nativeProtocols: ['openai.chat'],
  // The adapter honours `stream_options.include_usage`: the kernel asks for usage on every
  // stream (for metrics and the journal) and strips that chunk when the client did not ask.
  streamUsageOption: true,
  providerName: 'switchyard-example.echo',
  createAdapter: (config) => new EchoAdapter(config),
};
