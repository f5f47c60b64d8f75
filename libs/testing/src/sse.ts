/** The SSE readers live in @switchyard/plugin-sdk/testing; `@switchyard/testing/sse` keeps loading them alone. */
export * from '@switchyard/plugin-sdk/testing';
