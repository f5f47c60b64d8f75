import { protocolForUrl, type ErrorEnvelope, type PluginRegistry } from '@switchyard/kernel';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** The error envelope for a request URL (useErrorEnvelopes). */
    errorEnvelopeFor?: (url: string) => ErrorEnvelope | undefined;
  }
}

/**
 * The error envelope a request URL's client expects: that of the client protocol whose endpoint
 * the path is (CLIENT_ENDPOINTS; Anthropic's for /v1/messages), from that protocol's codec; every
 * other path (unknown ones too) gets the `openai.chat` codec's (OpenAI's envelope).
 */
export function errorEnvelopeForUrl(registry: PluginRegistry, url: string): ErrorEnvelope | undefined {
  return registry.codec(protocolForUrl(url) ?? 'openai.chat')?.errorEnvelope;
}

/** Lets every error answered on this Fastify instance (sendError) use the codecs' envelopes. */
export function useErrorEnvelopes(fastify: FastifyInstance, registry: PluginRegistry): void {
  fastify.decorate('errorEnvelopeFor', (url: string) => errorEnvelopeForUrl(registry, url));
}
