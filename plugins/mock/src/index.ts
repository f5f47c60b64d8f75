import { plugin } from './mock-plugin.js';

export { plugin };
export default plugin;

export * from './mock-backend-config.js';
export * from './mock-adapter.js';
export * from './standalone.js';
