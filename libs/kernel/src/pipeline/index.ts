export * from './exchange.js';
export * from './gateway-pipeline.js';
export * from './gateway-request.js';
export * from './gateway-runtime.js';
export * from './shape-upstream-body.js';
export * from './trace-context.js';
export * from './translation.js';
export * from './adapt-thinking-dialect.js';
