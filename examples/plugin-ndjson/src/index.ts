import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { AcmeAdapter } from './acme-adapter.js';
import { AcmeBackendConfig } from './acme-backend-config.js';
import { acmeCodec } from './acme-codec.js';

/** `type: acme`: a backend speaking Acme's generate API, reached by every chat client through the IR. */
const plugin: ProviderPlugin<AcmeBackendConfig> = {
  type: 'acme',
  configClass: AcmeBackendConfig,
  nativeProtocols: [],
  codecs: [acmeCodec],
  createAdapter: (config) => new AcmeAdapter(config),
};
export default plugin;
export { AcmeBackendConfig } from './acme-backend-config.js';
export { ACME_GENERATE, acmeCodec } from './acme-codec.js';
