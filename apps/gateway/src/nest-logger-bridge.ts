import type { LoggerService } from '@nestjs/common';
import type { KernelLogger } from '@switchyard/kernel';

/** Nest's own log lines go to the gateway's pino logger (its chatter at debug level). */
export class NestLoggerBridge implements LoggerService {
  constructor(private readonly logger: KernelLogger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
