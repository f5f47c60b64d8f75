export * from './sse.js';
export * from './codec-harness.js';
