export * from './fake-upstream.js';
export * from './sse.js';
export * from './codec-harness.js';
export * from './rules/check-openai-responses-request.js';
export * from './rules/check-gemini-request.js';
export type { ProviderRejection } from './rules/provider-rejection.js';
