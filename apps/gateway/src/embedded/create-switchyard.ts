import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestLoggerBridge } from '../nest-logger-bridge.js';
import { Switchyard } from './switchyard.js';
import { startSwitchyardTelemetry, stopSwitchyardTelemetry, SwitchyardModule, SwitchyardTelemetry } from './switchyard.module.js';
import { prepareSwitchyard, type SwitchyardOptions } from './switchyard-options.js';

/** An in-process gateway built by createSwitchyard; `close()` (or `await using`) releases it. */
export interface EmbeddedSwitchyard extends Switchyard {
  /** Where Prometheus scrapes, when `metrics: true` and `telemetry.prometheus.enabled`. */
  readonly metricsUrl: string | null;
}

/**
 * Builds Switchyard in-process: validates the configuration exactly as the server validates a
 * file (a ConfigError with the same text otherwise), then starts a Nest application context
 * with the kernel, metrics and the journal (no HTTP server).
 *
 *   const sy = await createSwitchyard({ config: { backends: [{ id: 'local', type: 'mock' }] } });
 *   const reply = await sy.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'Hi' }] });
 *   await sy.close();
 */
export async function createSwitchyard(options: SwitchyardOptions): Promise<EmbeddedSwitchyard> {
  const prepared = await prepareSwitchyard(options);
  const telemetry = await startSwitchyardTelemetry(prepared);
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(SwitchyardModule.fromPrepared(prepared, telemetry), {
      logger: new NestLoggerBridge(prepared.kernel.logger),
      abortOnError: false,
    });
  } catch (err) {
    await stopSwitchyardTelemetry(telemetry);
    throw err;
  }
  const switchyard = app.get(Switchyard);
  switchyard.bindClose(() => app.close());
  return Object.defineProperty(switchyard, 'metricsUrl', {
    value: app.get(SwitchyardTelemetry).prometheusUrl,
    enumerable: true,
  }) as EmbeddedSwitchyard;
}
