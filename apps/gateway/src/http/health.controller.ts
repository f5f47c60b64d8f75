import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ModelCatalogService, RuntimeHolder } from '@switchyard/kernel';
import type { FastifyReply } from 'fastify';
import { LifecycleState } from '../lifecycle-state.js';

/** Liveness (never authenticated) and readiness via terminus (SPEC §3). */
@Controller()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicator: HealthIndicatorService,
    @Inject(RuntimeHolder) private readonly runtimes: RuntimeHolder,
    @Inject(ModelCatalogService) private readonly catalog: ModelCatalogService,
    @Inject(LifecycleState) private readonly lifecycle: LifecycleState,
  ) {}

  @Get(['healthz', 'livez'])
  healthz(@Res() reply: FastifyReply): FastifyReply {
    return reply.send({ status: 'ok' });
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<FastifyReply> {
    try {
      const result = await this.health.check([() => this.gateway(), () => this.backends()]);
      return reply.code(200).send(result);
    } catch (err) {
      const body = (err as { getResponse?: () => unknown }).getResponse?.() ?? { status: 'error' };
      return reply.code(503).send(body);
    }
  }

  private gateway(): HealthIndicatorResult {
    const session = this.indicator.check('gateway');
    return this.lifecycle.shuttingDown ? session.down({ reason: 'shutting down' }) : session.up();
  }

  /** A backend is up unless its plugin is missing or its last model listing failed; one up suffices. */
  private backends(): HealthIndicatorResult {
    const detail: Record<string, { status: 'up' | 'down'; type: string; checked: boolean }> = {};
    let anyUp = false;
    for (const [id, b] of this.runtimes.current().backends) {
      const listed = this.catalog.isUp(id);
      const up = b.adapter !== null && listed !== false;
      anyUp ||= up;
      detail[id] = { status: up ? 'up' : 'down', type: b.config.type, checked: listed !== undefined };
    }
    const session = this.indicator.check('backends');
    return anyUp ? session.up(detail) : session.down({ reason: 'no backend is up', ...detail });
  }
}
