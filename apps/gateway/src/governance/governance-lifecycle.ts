import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { GatewayPipeline, GovernanceGate } from '@switchyard/kernel';

/** Puts the client-key gate (issue #20) on the pipeline at start and closes its store at shutdown. */
@Injectable()
export class GovernanceLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(GovernanceGate) private readonly gate: GovernanceGate,
    @Inject(GatewayPipeline) private readonly pipeline: GatewayPipeline,
  ) {}

  onModuleInit(): void {
    this.pipeline.useAdmissionGate(this.gate);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.gate.store.close();
  }
}
