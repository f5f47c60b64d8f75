import type { Attributes } from '@opentelemetry/api';
import { UPSTREAM_STREAM_ERROR, type GatewayError } from '@switchyard/plugin-sdk';
import type { Exchange, ExchangeObserver } from '../pipeline/exchange.js';
import { priceUsage } from '../governance/price-usage.js';
import { CounterTable } from './counter-table.js';
import { measurementOf, type Measurement } from './exchange-measurement.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/** gen_ai.operation.name of a request whose client protocol's codec names no operation (ProtocolCodec.operationName). */
export const OTHER_OPERATION = '_OTHER';

/** A bounded name for gen_ai.request.model: only names the gateway lists, else `_OTHER`. */
export type ModelNameFilter = (name: string) => boolean;

function errorType(status: number, error: GatewayError | null): string | undefined {
  if (status < 400) return undefined;
  if (status === 499) return 'cancelled';
  if (error?.kind === 'timeout') return 'timeout';
  if (error?.code === UPSTREAM_STREAM_ERROR) return UPSTREAM_STREAM_ERROR;
  return String(status);
}

/** The attribute sets of one kind of outcome, built once (histograms take them as they are). */
interface SeriesAttrs {
  attrs: Attributes;
  /** `attrs` plus gen_ai.token.type, per token type. */
  tokens: Record<'input' | 'output' | 'cached_input' | 'reasoning', Attributes>;
}

const withTokenType = (attrs: Attributes): SeriesAttrs['tokens'] => ({
  input: { ...attrs, 'gen_ai.token.type': 'input' },
  output: { ...attrs, 'gen_ai.token.type': 'output' },
  cached_input: { ...attrs, 'gen_ai.token.type': 'cached_input' },
  reasoning: { ...attrs, 'gen_ai.token.type': 'reasoning' },
});

/**
 * Records SPEC §4 metrics for every exchange, from its side copy, after the response. Attribute
 * sets are built once per distinct outcome and reused; counters are counted in-process and
 * observed at collection (counter-table.ts).
 */
export class MetricsObserver implements ExchangeObserver {
  private readonly series = new Map<string, SeriesAttrs>();
  private readonly requests = new CounterTable();
  private readonly attempts = new CounterTable();
  private readonly active = new CounterTable();
  private readonly spend = new CounterTable();

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly isListedModel: ModelNameFilter,
    private readonly providerName: (backendType: string) => string,
  ) {
    metrics.requests.addCallback(this.requests.observe);
    metrics.routeAttempts.addCallback(this.attempts.observe);
    metrics.activeRequests.addCallback(this.active.observe);
    metrics.spendUsd.addCallback(this.spend.observe);
  }

  observe(exchange: Exchange): void {
    const operation = exchange.operationName ?? OTHER_OPERATION;
    const attrs = (): Attributes => ({ 'gen_ai.operation.name': operation });
    this.active.add(operation, attrs, 1);
    void measurementOf(exchange).then((m) => {
      this.active.add(operation, attrs, -1);
      this.record(exchange, m);
    });
  }

  /** switchyard_spend_usd_total{client_key, model}: client keys and real models are both bounded by the configuration. */
  private recordSpend(clientKey: string | null, model: string, usd: number): void {
    if (usd <= 0) return;
    this.spend.add(`${clientKey ?? ''}\u0000${model}`, () => (clientKey === null ? { model } : { client_key: clientKey, model }), usd);
  }

  private record(exchange: Exchange, m: Measurement): void {
    const d = exchange.decision;
    const requestModel = d && (d.virtualModel !== null || this.isListedModel(d.clientModel)) ? d.clientModel : '_OTHER';
    const provider = exchange.backendType ? this.providerName(exchange.backendType) : undefined;
    const err = errorType(m.end.status, m.end.error);
    const operation = exchange.operationName ?? OTHER_OPERATION;
    const responseModel = d ? (requestModel === '_OTHER' ? '_OTHER' : d.realModel) : '';
    // Exactly the attribute values: equal keys are equal attribute sets (observed counters need that).
    const key = `${operation}\u0000${requestModel}\u0000${m.end.status}\u0000${d ? `${responseModel}\u0000${d.backendId}\u0000${d.virtualModel ?? ''}` : '-'}\u0000${provider ?? ''}\u0000${err ?? ''}`;
    let series = this.series.get(key);
    if (!series) {
      const attrs: Attributes = {
        'gen_ai.operation.name': operation,
        'gen_ai.request.model': requestModel,
        'http.response.status_code': m.end.status,
      };
      if (d) {
        attrs['gen_ai.response.model'] = responseModel;
        attrs['switchyard.backend'] = d.backendId;
        if (d.virtualModel) attrs['switchyard.virtual_model'] = d.virtualModel;
      }
      if (provider) attrs['gen_ai.provider.name'] = provider;
      if (err) attrs['error.type'] = err;
      series = { attrs, tokens: withTokenType(attrs) };
      this.series.set(key, series);
    }
    const attrs = series.attrs;

    this.requests.add(key, () => attrs);
    const attempts = exchange.attempts;
    for (let i = 0; i < attempts.length; i++) {
      const a = attempts[i]!;
      const outcome = a.status !== undefined && a.status < 400 ? 'success' : i < attempts.length - 1 ? 'failover' : 'error';
      const virtualModel = d?.virtualModel;
      this.attempts.add(`${a.backend}\u0000${outcome}\u0000${virtualModel ?? ''}`, () => {
        const at: Attributes = { 'switchyard.backend': a.backend, outcome };
        if (virtualModel) at['switchyard.virtual_model'] = virtualModel;
        return at;
      });
    }
    this.metrics.requestDuration.record(m.durationMs / 1000, attrs);
    if (exchange.overheadMs !== null) this.metrics.overhead.record(exchange.overheadMs / 1000, attrs);
    if (err && exchange.upstreamStatus !== null && m.end.status !== 499) this.metrics.upstreamErrors.add(1, attrs);
    else if (err && exchange.upstreamStatus === null && d && m.end.status >= 500) this.metrics.upstreamErrors.add(1, attrs);
    if (m.ttftMs !== null) this.metrics.timeToFirstToken.record(m.ttftMs / 1000, attrs);
    if (m.timePerOutputTokenMs !== null) this.metrics.timePerOutputToken.record(m.timePerOutputTokenMs / 1000, attrs);
    if (m.tokensPerSecond !== null) this.metrics.tokensPerSecond.record(m.tokensPerSecond, attrs);
    const u = m.usage;
    if (u) {
      const t = series.tokens;
      this.metrics.tokenUsage.record(u.inputTokens, t.input);
      this.metrics.tokenUsage.record(u.outputTokens, t.output);
      if (u.cachedInputTokens !== undefined) this.metrics.tokenUsage.record(u.cachedInputTokens, t.cached_input);
      if (u.reasoningTokens !== undefined) this.metrics.tokenUsage.record(u.reasoningTokens, t.reasoning);
    }
    const price = u && d ? exchange.priceOf?.(d) : null;
    if (price && u && d) this.recordSpend(exchange.clientKeyId, d.realModel, priceUsage(price, u));
  }
}
