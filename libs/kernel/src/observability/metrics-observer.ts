import type { Attributes } from '@opentelemetry/api';
import type { Exchange, ExchangeObserver } from '../pipeline/exchange.js';
import type { Protocol } from '../protocol.js';
import { measurementOf, type Measurement } from './exchange-measurement.js';
import type { GatewayMetrics } from './gateway-metrics.js';

const OPERATION: Record<Protocol, string> = {
  'openai.chat': 'chat',
  'openai.completions': 'text_completion',
  'openai.embeddings': 'embeddings',
  'openai.responses': 'chat',
  'anthropic.messages': 'chat',
};

/** A bounded name for gen_ai.request.model: only names the gateway lists, else `_OTHER`. */
export type ModelNameFilter = (name: string) => boolean;

function errorType(status: number, kind: string | undefined): string | undefined {
  if (status < 400) return undefined;
  if (status === 499) return 'cancelled';
  if (kind === 'timeout') return 'timeout';
  return String(status);
}

/** Records SPEC §4 metrics for every exchange, from its side copy, after the response. */
export class MetricsObserver implements ExchangeObserver {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly isListedModel: ModelNameFilter,
    private readonly providerName: (backendType: string) => string,
  ) {}

  observe(exchange: Exchange): void {
    const operation = { 'gen_ai.operation.name': OPERATION[exchange.protocol] };
    this.metrics.activeRequests.add(1, operation);
    void measurementOf(exchange).then((m) => {
      this.metrics.activeRequests.add(-1, operation);
      this.record(exchange, m);
    });
  }

  private record(exchange: Exchange, m: Measurement): void {
    const d = exchange.decision;
    const requestModel = d && (d.virtualModel !== null || this.isListedModel(d.clientModel)) ? d.clientModel : '_OTHER';
    const attrs: Attributes = {
      'gen_ai.operation.name': OPERATION[exchange.protocol],
      'gen_ai.request.model': requestModel,
      'http.response.status_code': m.end.status,
    };
    if (d) {
      attrs['gen_ai.response.model'] = requestModel === '_OTHER' ? '_OTHER' : d.realModel;
      attrs['switchyard.backend'] = d.backendId;
      if (d.virtualModel) attrs['switchyard.virtual_model'] = d.virtualModel;
    }
    if (exchange.backendType) attrs['gen_ai.provider.name'] = this.providerName(exchange.backendType);
    const err = errorType(m.end.status, m.end.error?.kind);
    if (err) attrs['error.type'] = err;

    this.metrics.requests.add(1, attrs);
    exchange.attempts.forEach((a, i) => {
      const outcome = a.status !== undefined && a.status < 400 ? 'success' : i < exchange.attempts.length - 1 ? 'failover' : 'error';
      const at: Attributes = { 'switchyard.backend': a.backend, outcome };
      if (d?.virtualModel) at['switchyard.virtual_model'] = d.virtualModel;
      this.metrics.routeAttempts.add(1, at);
    });
    this.metrics.requestDuration.record(m.durationMs / 1000, attrs);
    if (exchange.overheadMs !== null) this.metrics.overhead.record(exchange.overheadMs / 1000, attrs);
    if (err && exchange.upstreamStatus !== null && m.end.status !== 499) this.metrics.upstreamErrors.add(1, attrs);
    else if (err && exchange.upstreamStatus === null && d && m.end.status >= 500) this.metrics.upstreamErrors.add(1, attrs);
    if (m.ttftMs !== null) this.metrics.timeToFirstToken.record(m.ttftMs / 1000, attrs);
    if (m.timePerOutputTokenMs !== null) this.metrics.timePerOutputToken.record(m.timePerOutputTokenMs / 1000, attrs);
    if (m.tokensPerSecond !== null) this.metrics.tokensPerSecond.record(m.tokensPerSecond, attrs);
    const u = m.usage;
    if (u) {
      this.metrics.tokenUsage.record(u.inputTokens, { ...attrs, 'gen_ai.token.type': 'input' });
      this.metrics.tokenUsage.record(u.outputTokens, { ...attrs, 'gen_ai.token.type': 'output' });
      if (u.cachedInputTokens !== undefined)
        this.metrics.tokenUsage.record(u.cachedInputTokens, { ...attrs, 'gen_ai.token.type': 'cached_input' });
      if (u.reasoningTokens !== undefined)
        this.metrics.tokenUsage.record(u.reasoningTokens, { ...attrs, 'gen_ai.token.type': 'reasoning' });
    }
  }
}
