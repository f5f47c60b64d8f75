import { randomBytes } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { JournalModule, KernelModule, ObservabilityModule, type KernelOptions } from '@switchyard/kernel';
import { HealthController } from './http/health.controller.js';
import { InboundAuth } from './http/inbound-auth.js';
import { ModelsController } from './http/models.controller.js';
import { LifecycleState } from './lifecycle-state.js';

/** The gateway application: the kernel plus its HTTP ingress. */
@Module({})
export class AppModule {
  static forRoot(kernel: KernelOptions & { installSecret?: string }): DynamicModule {
    // Inbound keys: one instance the HTTP hooks check and a configuration reload updates.
    const auth = new InboundAuth(kernel.config.server.api_keys, kernel.installSecret ?? randomBytes(32).toString('hex'));
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
      providers: [LifecycleState, { provide: InboundAuth, useValue: auth }],
      exports: [LifecycleState, InboundAuth],
    };
  }
}
