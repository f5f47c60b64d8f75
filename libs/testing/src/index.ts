export * from './fake-upstream.js';
export * from '@switchyard/plugin-sdk/testing';
export * from './rules/check-provider-request.js';
export * from './rules/check-anthropic-messages-request.js';
export * from './rules/check-openai-responses-request.js';
export * from './rules/check-gemini-request.js';
export * from './rules/check-vertex-embeddings-request.js';
