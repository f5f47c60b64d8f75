import { plugin } from './echo-plugin.js';

// The kernel loads a package named under `plugins:` and registers its default export (or `plugin`).
export default plugin;
export { plugin };
export { EchoAdapter } from './echo-adapter.js';
export { EchoBackendConfig } from './echo-backend-config.js';
export { chatChunkEvents, chatCompletion, lastUserText, pieces } from './echo-replies.js';
