import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { anthropicMessagesCodec } from '@switchyard/plugin-anthropic';
import { googleGenerateContentCodec } from './google-generate-content-codec.js';
import { VertexAdapter } from './vertex-adapter.js';
import { VertexBackendConfig } from './vertex-backend-config.js';
import { vertexEmbeddingsCodec } from './vertex-embeddings-codec.js';

/**
 * `type: gcp-vertex`: Google Cloud Vertex AI with Application Default Credentials. Gemini through
 * the google.generate-content codec this package contributes; Claude through the anthropic.messages
 * codec (also registered here, so the plugin works on its own), /v1/messages passing through;
 * embeddings through Vertex's text embeddings `:predict` (the google.predict-embeddings codec).
 */
export const plugin: ProviderPlugin<VertexBackendConfig> = {
  type: 'gcp-vertex',
  configClass: VertexBackendConfig,
  nativeProtocols: ['anthropic.messages'],
  codecs: [googleGenerateContentCodec, anthropicMessagesCodec, vertexEmbeddingsCodec],
  providerName: 'gcp.vertex_ai',
  authTypes: ['adc', 'bearer', 'none'],
  createAdapter: (config, ctx) => new VertexAdapter(config, ctx),
  // Google Cloud's own variable names (gcloud and the client libraries read them); VERTEX_LOCATION is an older alias.
  singleBackendKeys: [
    { key: 'project', flag: '--project', env: ['GOOGLE_CLOUD_PROJECT'] },
    { key: 'location', flag: '--location', env: ['GOOGLE_CLOUD_LOCATION', 'VERTEX_LOCATION'] },
  ],
};
