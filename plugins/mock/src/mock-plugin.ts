import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { MockAdapter } from './mock-adapter.js';
import { MockBackendConfig } from './mock-backend-config.js';
import { resolveMockSettings } from './mock-settings.js';

/** `type: mock`: the deterministic built-in backend (demo mode, tests, benchmarks). */
export const plugin: ProviderPlugin<MockBackendConfig> = {
  type: 'mock',
  configClass: MockBackendConfig,
  nativeProtocols: ['openai.chat', 'openai.completions', 'openai.embeddings'],
  streamUsageOption: true,
  providerName: 'switchyard.mock',
  createAdapter(config) {
    return new MockAdapter(config.id, resolveMockSettings(config));
  },
};
