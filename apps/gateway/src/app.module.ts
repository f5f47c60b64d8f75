import { randomBytes } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import {
  GovernanceGate,
  JournalModule,
  KernelModule,
  ObservabilityModule,
  type GovernanceStore,
  type KernelOptions,
} from '@switchyard/kernel';
import { createGovernanceStore } from './governance/create-governance-store.js';
import { GovernanceLifecycle } from './governance/governance-lifecycle.js';
import { HealthController } from './http/health.controller.js';
import { InboundAuth } from './http/inbound-auth.js';
import { ModelsController } from './http/models.controller.js';
import { LifecycleState } from './lifecycle-state.js';

/** The gateway application: the kernel plus its HTTP ingress. */
@Module({})
export class AppModule {
  static forRoot(kernel: KernelOptions & { installSecret?: string; governanceStore?: GovernanceStore }): DynamicModule {
    // Inbound keys: one instance the HTTP hooks check and a configuration reload updates.
    const auth = new InboundAuth(kernel.config.server.api_keys, kernel.installSecret ?? randomBytes(32).toString('hex'));
    // Client keys' limits and budgets (issue #20): one gate and store for the process, kept across reloads.
    const gate = new GovernanceGate(kernel.governanceStore ?? createGovernanceStore(kernel.config), kernel.logger);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ switchyard: kernel.config })] }),
        KernelModule.forRoot(kernel),
        ObservabilityModule,
        JournalModule,
        TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }),
      ],
      // The model endpoints are Fastify routes (http/model-routes.ts), registered by createGatewayApp.
      controllers: [ModelsController, HealthController],
      providers: [
        LifecycleState,
        { provide: InboundAuth, useValue: auth },
        { provide: GovernanceGate, useValue: gate },
        GovernanceLifecycle,
      ],
      exports: [LifecycleState, InboundAuth, GovernanceGate],
    };
  }
}
