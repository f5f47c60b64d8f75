import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { OpenResponsesAdapter } from './openresponses-adapter.js';
import { openaiResponsesCodec } from './openresponses-codec.js';

/**
 * `type: openresponses`: a backend that speaks the Responses API, and the openai.responses codec
 * (both sides) that serves the /v1/responses ingress for every other backend.
 */
export const plugin: ProviderPlugin = {
  type: 'openresponses',
  nativeProtocols: ['openai.responses'],
  codecs: [openaiResponsesCodec],
  providerName: 'openai',
  createAdapter: (config, ctx) => new OpenResponsesAdapter(config, ctx),
};
