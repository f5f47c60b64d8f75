export * from './observed-stream.js';
export * from './sse-events.js';
export * from './rewrite-model-field.js';
export * from './chain-rewriters.js';
export * from './passthrough-failure.js';
export * from './watch-stream-errors.js';
export * from './destroy-when-idle.js';
export * from './ndjson-framing.js';
