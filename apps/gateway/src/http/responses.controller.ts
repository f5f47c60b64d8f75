import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { GatewayPipeline } from '@switchyard/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { proxyThroughPipeline } from './write-gateway-reply.js';

/**
 * The OpenAI Responses ingress (/v1/responses, OpenResponses): passthrough to backends that speak
 * the Responses API (`type: openresponses`), translated through the openai.responses codec for
 * the others (stateless toward them). Errors use the OpenAI envelope.
 */
@Controller()
export class ResponsesController {
  constructor(@Inject(GatewayPipeline) private readonly pipeline: GatewayPipeline) {}

  @Post(['v1/responses', 'responses'])
  responses(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return proxyThroughPipeline(this.pipeline, 'openai.responses', req, reply);
  }
}
