import { Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigError } from '../config/config-error.js';
import { KERNEL_LOGGER, KERNEL_OPTIONS, type KernelOptions } from '../kernel.module.js';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import { ObservabilityModule, MetricsRecorder } from '../observability/observability.module.js';
import { GatewayPipeline } from '../pipeline/gateway-pipeline.js';
import { JournalObserver, type JournalLineSink } from './journal-observer.js';
import { JournalWriter, type JournalDropReason } from './journal-writer.js';

/** At most one "lines dropped" warning per this many ms. */
const DROP_WARNING_INTERVAL_MS = 60_000;

/**
 * The request journal (SPEC §5) when `journal.enabled`: opens the file at start-up (a path
 * that cannot be written fails the start with a ConfigError), puts a JournalObserver on the
 * pipeline, counts dropped lines in `switchyard.journal.dropped`, and flushes and closes the
 * file on shutdown (`onApplicationShutdown`, which `app.close()` awaits after the HTTP server
 * has stopped, so the lines of the last requests are in). The settings are read at start-up.
 */
@Injectable()
export class JournalRecorder implements OnModuleInit, OnApplicationShutdown {
  private writer: JournalWriter | null = null;
  private observer: JournalObserver | null = null;
  private droppedSinceWarning = 0;
  private lastWarningAt = 0;

  constructor(
    @Inject(KERNEL_OPTIONS) private readonly options: KernelOptions,
    @Inject(KERNEL_LOGGER) private readonly logger: KernelLogger,
    @Inject(GatewayPipeline) private readonly pipeline: GatewayPipeline,
    @Inject(MetricsRecorder) private readonly metrics: MetricsRecorder,
  ) {}

  /** The writer, when the journal is on (tests, embedding programs). */
  get journalWriter(): JournalWriter | null {
    return this.writer;
  }

  onModuleInit(): void {
    const cfg = this.options.config.journal;
    if (!cfg?.enabled) return;
    if (this.options.journalSink) return this.observe(this.options.journalSink, cfg.include_bodies);
    const writer = new JournalWriter({
      path: cfg.path,
      maxSizeBytes: Math.round(cfg.max_size_mb * 1024 * 1024),
      onDrop: (count, reason) => this.dropped(count, reason),
      onError: (err, what) => this.logger.warn({ err: err.message, path: writer.path, what }, 'request journal: write failed'),
    });
    try {
      writer.open();
    } catch (err) {
      throw new ConfigError(`journal.path: ${(err as Error).message}`);
    }
    this.writer = writer;
    this.observe(writer, cfg.include_bodies);
    this.logger.debug({ path: writer.path, includeBodies: cfg.include_bodies, maxSizeMb: cfg.max_size_mb }, 'request journal on');
  }

  private observe(sink: JournalLineSink, includeBodies: boolean): void {
    this.observer = new JournalObserver(sink, {
      includeBodies,
      onError: (err) => this.logger.error({ err }, 'request journal: could not build a line'),
    });
    this.pipeline.addObserver(this.observer);
  }

  async onApplicationShutdown(): Promise<void> {
    const observer = this.observer;
    this.observer = null;
    if (observer) await observer.close();
  }

  private dropped(count: number, reason: JournalDropReason): void {
    this.metrics.metrics.journalDropped.add(count, { reason });
    this.droppedSinceWarning += count;
    const now = Date.now();
    if (now - this.lastWarningAt >= DROP_WARNING_INTERVAL_MS) {
      this.logger.warn(
        { dropped: this.droppedSinceWarning, reason, path: this.writer?.path },
        'request journal: lines dropped (the writer fell behind)',
      );
      this.droppedSinceWarning = 0;
      this.lastWarningAt = now;
    }
  }
}

/** Registers the request journal; the gateway app imports it next to ObservabilityModule. */
@Module({
  imports: [ObservabilityModule],
  providers: [JournalRecorder],
  exports: [JournalRecorder],
})
export class JournalModule {}
