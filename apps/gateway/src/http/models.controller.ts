import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { GatewayError, GovernanceGate, ModelCatalogService, RuntimeHolder, type CatalogEntry } from '@switchyard/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';

function openAIModel(e: CatalogEntry): Record<string, unknown> {
  const m: Record<string, unknown> = { id: e.id, object: 'model', created: e.created, owned_by: e.owned_by };
  if (e.context_length !== undefined) m.context_length = e.context_length;
  return m;
}

function anthropicModel(e: CatalogEntry): Record<string, unknown> {
  return { type: 'model', id: e.id, display_name: e.id, created_at: new Date(e.created * 1000).toISOString() };
}

/** GET /v1/models and /v1/models/{id}: from the catalog in memory, never an upstream call. */
@Controller()
export class ModelsController {
  constructor(
    @Inject(ModelCatalogService) private readonly catalog: ModelCatalogService,
    @Inject(GovernanceGate) private readonly gate: GovernanceGate,
    @Inject(RuntimeHolder) private readonly runtimes: RuntimeHolder,
  ) {}

  /** The catalog as the client's key may see it: a key with `models` sees only those (issue #20). */
  private entriesFor(req: FastifyRequest): CatalogEntry[] {
    const entries = this.catalog.list();
    const keyId = req.clientKeyId;
    if (keyId == null) return entries;
    const config = this.runtimes.current().config;
    return entries.filter((e) => this.gate.allowsModel(config, keyId, e.id));
  }

  @Get(['v1/models', 'models'])
  list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    const entries = this.entriesFor(req);
    if (req.headers['anthropic-version'] !== undefined) {
      const data = entries.map(anthropicModel);
      return reply.send({ data, has_more: false, first_id: entries[0]?.id ?? null, last_id: entries.at(-1)?.id ?? null });
    }
    return reply.send({ object: 'list', data: entries.map(openAIModel) });
  }

  @Get(['v1/models/*', 'models/*'])
  one(@Req() req: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    // Fastify's router has already decoded the path once: a second decode misreads ids with `%`.
    const id = (req.params as Record<string, string>)['*'] ?? '';
    const visible = this.entriesFor(req);
    const entry = visible.find((e) => e.id === id);
    if (!entry)
      throw GatewayError.modelNotFound(
        id,
        visible.map((e) => e.id),
      );
    return reply.send(req.headers['anthropic-version'] !== undefined ? anthropicModel(entry) : openAIModel(entry));
  }
}
