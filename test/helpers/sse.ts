/** The SSE readers now live in @switchyard/testing (libs/testing); re-exported for the suite. */
export * from '@switchyard/testing/sse';
