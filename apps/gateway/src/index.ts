export { AppModule } from './app.module.js';
export { createBuiltinRegistry } from './builtin-plugins.js';
export { createGatewayApp, listenGateway, type GatewayAppOptions } from './create-gateway-app.js';
export { LifecycleState } from './lifecycle-state.js';
export * from './embedded/index.js';
