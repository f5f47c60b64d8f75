/**
 * The kernel-free side of the mock: the generator, its pacing Readable and the standalone
 * HTTP server. `@switchyard/plugin-mock/standalone` loads none of the gateway (no Nest, no
 * class-validator), for benchmark harnesses and test fakes.
 */
export * from './mock-settings.js';
export * from './build-mock-reply.js';
export * from './generate-mock-text.js';
export * from './mock-generation.js';
export * from './mock-tool-call.js';
export * from './mock-embeddings.js';
export * from './mock-stream-plan.js';
export * from './mock-event-readable.js';
export * from './encode-mock-chat-response.js';
export * from './stream-mock-chat-chunks.js';
export * from './serve-mock-upstream.js';
