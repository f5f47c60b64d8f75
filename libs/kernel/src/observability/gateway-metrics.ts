import type {
  Attributes,
  Counter,
  Histogram,
  MetricOptions,
  ObservableCounter,
  ObservableGauge,
  ObservableUpDownCounter,
} from '@opentelemetry/api';
import type { HistogramRecorder, LocalHistograms } from './local-histograms.js';

/** What creates instruments: nestjs-otel's MetricService, or any adapter over an OpenTelemetry Meter. */
export interface InstrumentFactory {
  getCounter(name: string, options?: MetricOptions): Counter<Attributes>;
  getHistogram(name: string, options?: MetricOptions): Histogram<Attributes>;
  getObservableGauge(name: string, options?: MetricOptions): ObservableGauge<Attributes>;
  getObservableCounter(name: string, options?: MetricOptions): ObservableCounter<Attributes>;
  getObservableUpDownCounter(name: string, options?: MetricOptions): ObservableUpDownCounter<Attributes>;
}

/** The GenAI semantic conventions' boundaries, extended to 300 s for reasoning models. */
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84, 300];
export const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 300];
export const TPOT_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const TOKENS_PER_SECOND_BUCKETS = [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000];
export const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

const hist = (description: string, unit: string, boundaries: number[]): MetricOptions => ({
  description,
  unit,
  advice: { explicitBucketBoundaries: boundaries },
});

/**
 * Every instrument the gateway records (SPEC §4). Names are the contract; see the README's metrics
 * reference. The per-request counters are observable: the gateway counts in-process (a map lookup
 * per request, counter-table.ts) and the SDK reads the totals when it collects, instead of hashing
 * an attribute set on every request.
 */
export class GatewayMetrics {
  readonly requestDuration: HistogramRecorder;
  readonly timeToFirstToken: HistogramRecorder;
  readonly timePerOutputToken: HistogramRecorder;
  readonly tokenUsage: HistogramRecorder;
  readonly activeRequests: ObservableUpDownCounter<Attributes>;
  readonly requests: ObservableCounter<Attributes>;
  readonly tokensPerSecond: HistogramRecorder;
  readonly overhead: HistogramRecorder;
  readonly upstreamErrors: Counter<Attributes>;
  readonly configReloads: Counter<Attributes>;
  readonly journalDropped: Counter<Attributes>;
  /** Upstream attempts (issue #10), by `outcome`: success | failover (failed, the next target was tried) | error (failed, the last). */
  readonly routeAttempts: ObservableCounter<Attributes>;
  /** 1 while a backend's background probe succeeds, 0 while it fails (observed, by `switchyard.backend`). */
  readonly backendUp: ObservableGauge<Attributes>;
  /** USD spent per client key and real model, priced by the configuration's pricing (issue #20). */
  readonly spendUsd: ObservableCounter<Attributes>;

  /**
   * `local`: in-process histograms the meter provider's readers export (local-histograms.ts);
   * without it the per-request histograms are the SDK's own.
   */
  constructor(f: InstrumentFactory, local?: LocalHistograms) {
    const histogram = (name: string, options: MetricOptions): HistogramRecorder =>
      local ? local.histogram(name, options) : f.getHistogram(name, options);
    this.requestDuration = histogram(
      'gen_ai.server.request.duration',
      hist('Time from request received to response end', 's', DURATION_BUCKETS),
    );
    this.timeToFirstToken = histogram('gen_ai.server.time_to_first_token', hist('Time to the first streamed content', 's', TTFT_BUCKETS));
    this.timePerOutputToken = histogram(
      'gen_ai.server.time_per_output_token',
      hist('Time per output token after the first', 's', TPOT_BUCKETS),
    );
    this.tokenUsage = histogram('gen_ai.client.token.usage', hist('Tokens per request, by gen_ai.token.type', '{token}', TOKEN_BUCKETS));
    this.activeRequests = f.getObservableUpDownCounter('switchyard.requests.active', {
      description: 'Model requests in flight',
      unit: '{request}',
    });
    this.requests = f.getObservableCounter('switchyard.requests', { description: 'Model requests, by outcome', unit: '{request}' });
    this.tokensPerSecond = histogram(
      'switchyard.generation.tokens_per_second',
      hist('Output tokens per second of generation', '{token}/s', TOKENS_PER_SECOND_BUCKETS),
    );
    this.overhead = histogram(
      'switchyard.overhead',
      hist("The gateway's own time per request, upstream wait excluded", 's', OVERHEAD_BUCKETS),
    );
    this.upstreamErrors = f.getCounter('switchyard.upstream.errors', {
      description: 'Failed upstream calls, by error.type',
      unit: '{error}',
    });
    this.configReloads = f.getCounter('switchyard.config.reloads', { description: 'Configuration reloads, by result', unit: '{reload}' });
    this.journalDropped = f.getCounter('switchyard.journal.dropped', {
      description: 'Journal lines dropped because the writer fell behind',
      unit: '{line}',
    });
    this.routeAttempts = f.getObservableCounter('switchyard.route.attempts', {
      description: 'Upstream attempts per request target, by outcome',
      unit: '{attempt}',
    });
    this.backendUp = f.getObservableGauge('switchyard.backend.up', {
      description: 'Whether a backend answers its background probe (1) or not (0)',
    });
    this.spendUsd = f.getObservableCounter('switchyard.spend_usd', {
      description: 'USD spent, by client_key and model (the real model), priced by the configuration',
    });
  }
}
