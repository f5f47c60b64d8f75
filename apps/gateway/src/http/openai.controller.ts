import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { GatewayPipeline } from '@switchyard/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { proxyThroughPipeline } from './write-gateway-reply.js';

/** The OpenAI ingress: thin; the kernel pipeline does the work. */
@Controller()
export class OpenAIController {
  constructor(@Inject(GatewayPipeline) private readonly pipeline: GatewayPipeline) {}

  @Post(['v1/chat/completions', 'chat/completions'])
  chat(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return proxyThroughPipeline(this.pipeline, 'openai.chat', req, reply);
  }

  @Post(['v1/completions', 'completions'])
  completions(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return proxyThroughPipeline(this.pipeline, 'openai.completions', req, reply);
  }

  @Post(['v1/embeddings', 'embeddings'])
  embeddings(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return proxyThroughPipeline(this.pipeline, 'openai.embeddings', req, reply);
  }
}
