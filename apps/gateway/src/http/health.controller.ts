import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { BackendMonitorService, RuntimeHolder } from '@switchyard/kernel';
import type { FastifyReply } from 'fastify';
import { LifecycleState } from '../lifecycle-state.js';

/** Liveness (never authenticated) and readiness via terminus (SPEC §3). */
@Controller()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicator: HealthIndicatorService,
    @Inject(RuntimeHolder) private readonly runtimes: RuntimeHolder,
    @Inject(BackendMonitorService) private readonly monitor: BackendMonitorService,
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

  /** The configuration is loaded (always, once listening) and the gateway is not shutting down. */
  private gateway(): HealthIndicatorResult {
    const session = this.indicator.check('gateway');
    const config = { backends: this.runtimes.current().backends.size, routes: this.runtimes.current().config.routes.length };
    return this.lifecycle.shuttingDown ? session.down({ reason: 'shutting down', ...config }) : session.up(config);
  }

  /**
   * Each backend's state from its background probe (never probed here, on the request's path);
   * `skip_probe` backends count as up, a backend not checked yet is `unknown`. One up suffices.
   */
  private backends(): HealthIndicatorResult {
    const detail: Record<string, Record<string, unknown>> = {};
    let anyUp = false;
    for (const [id, health] of this.monitor.all()) {
      const b = this.runtimes.current().backends.get(id)!;
      anyUp ||= health.status === 'up';
      detail[id] = {
        status: health.status,
        type: b.config.type,
        probed: health.probed,
        ...(health.checkedAt !== undefined ? { checked_at: new Date(health.checkedAt).toISOString() } : {}),
        ...(health.since !== undefined ? { since: new Date(health.since).toISOString() } : {}),
        ...(health.error !== undefined ? { error: this.runtimes.current().redactor.redact(health.error) } : {}),
      };
    }
    const session = this.indicator.check('backends');
    return anyUp ? session.up(detail) : session.down({ reason: 'no backend is up', ...detail });
  }
}
