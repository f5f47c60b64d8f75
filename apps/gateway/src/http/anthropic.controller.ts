import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { GatewayPipeline } from '@switchyard/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { proxyThroughPipeline } from './write-gateway-reply.js';

/**
 * The Anthropic ingress (/v1/messages, query string such as `?beta=true` accepted): passthrough
 * to Anthropic-speaking backends, translated for the others. Errors use Anthropic's envelope
 * (error-dialect.ts picks it by path).
 */
@Controller()
export class AnthropicController {
  constructor(@Inject(GatewayPipeline) private readonly pipeline: GatewayPipeline) {}

  @Post(['v1/messages', 'messages'])
  messages(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return proxyThroughPipeline(this.pipeline, 'anthropic.messages', req, reply);
  }

  /** Token counting where the backend has it (Anthropic-speaking backends); a 400 naming the backend otherwise. */
  @Post(['v1/messages/count_tokens', 'messages/count_tokens'])
  countTokens(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return proxyThroughPipeline(this.pipeline, 'anthropic.messages', req, reply, 'count_tokens');
  }
}
