export * from './fake-upstream.js';
export * from './sse.js';
export * from './codec-harness.js';
