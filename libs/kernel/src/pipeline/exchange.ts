import type { Observable } from 'rxjs';
import type { GatewayError } from '@switchyard/plugin-sdk';
import type { Protocol } from '@switchyard/plugin-sdk';
import type { IrUsage } from '@switchyard/plugin-sdk';
import type { ProtocolUsage } from '@switchyard/plugin-sdk';
import type { RouteDecision } from '../router/model-router.js';
import type { PriceLookup } from '../governance/price-usage.js';

/** HTTP-like status recorded when the client went away before the end (nginx's convention). */
export const CLIENT_CLOSED_REQUEST = 499;

/** One upstream attempt of a request (journal `attempts`, metric switchyard.route.attempts). */
export interface AttemptRecord {
  backend: string;
  real_model: string;
  /** The upstream's HTTP status, when it answered. */
  status?: number;
  /** Why the attempt failed without an upstream status (connection, timeout, queue), when it did. */
  error?: string;
  /** How long the attempt took until its reply's status and headers (or its failure), ms. */
  ms: number;
}

export interface ExchangeEnd {
  status: number;
  error: GatewayError | null;
  /** The client disconnected before the response was complete. */
  aborted: boolean;
  /** performance.now() at the end. */
  endedAt: number;
  bytesOut: number;
}

/**
 * One model request as observers (metrics, journal, logs) see it. Created when the pipeline
 * takes the request; `done` resolves once, when it ends however it ends.
 */
export class Exchange {
  /** performance.now() when the pipeline took the request. */
  readonly startedAt = performance.now();
  readonly ts = Date.now();
  decision: RouteDecision | null = null;
  backendType: string | null = null;
  /** The wire protocol sent upstream (equal to `protocol` on passthrough). */
  upstreamProtocol: string | null = null;
  /** performance.now() when the upstream's status and headers arrived. */
  upstreamHeadersAt: number | null = null;
  upstreamStatus: number | null = null;
  upstreamRequestId: string | null = null;
  /** performance.now() when the request went upstream. */
  upstreamSentAt: number | null = null;
  /** The gateway's own time (before the upstream call plus after its reply), ms. */
  overheadMs: number | null = null;
  /** The gateway asked the upstream for usage on the stream (the codec's `usage.requestStreamUsage`) and strips it for the client. */
  usageInjected = false;
  /** The backend's usage as seen by a translating stream (the client's protocol may leave it out). */
  upstreamUsage: IrUsage | null = null;
  /** The first error the upstream's stream carried to the client (ends the exchange as a failure). */
  streamError: GatewayError | null = null;
  /** Side copy of the upstream bytes as they pass to the client (streams only). */
  chunks$: Observable<Buffer> | null = null;
  /** The response body sent to the client (non-streaming only). */
  responseBody: Buffer | null = null;
  /** Which profile fields defaults / clamp / limits set (journal `profile`). */
  profileApplied: Record<string, string[]> | null = null;
  /** Every upstream attempt, in order (more than one after a failover). */
  readonly attempts: AttemptRecord[] = [];
  /** What the observers measured, read once and shared (observability/exchange-measurement.ts). */
  measurement: Promise<unknown> | null = null;
  /** The client's request body; set only when an observer wants bodies (journal `include_bodies`). */
  requestBody: Record<string, unknown> | null = null;
  /** How usage and stream timing are read in the client's protocol (its codec's `usage`); null: not measured. */
  usageReader: ProtocolUsage | null = null;
  /** The client protocol's gen_ai.operation.name (its codec's `operationName`); null: it names none. */
  operationName: string | null = null;
  /** The configuration's prices when it has any (issue #20): journal spend_usd, switchyard_spend_usd_total. */
  priceOf: PriceLookup | null = null;
  readonly done: Promise<ExchangeEnd>;
  private resolveDone!: (end: ExchangeEnd) => void;
  private ended = false;
  private streamListeners: Array<(chunks$: Observable<Buffer>) => void> | null = null;

  constructor(
    readonly requestId: string,
    readonly protocol: Protocol,
    readonly stream: boolean,
    readonly clientModel: string,
    readonly bytesIn: number,
    readonly clientKeyId: string | null,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Calls `listener` with the side copy when the response turns out to be a stream (before its first byte). */
  onStream(listener: (chunks$: Observable<Buffer>) => void): void {
    if (this.chunks$) listener(this.chunks$);
    else (this.streamListeners ??= []).push(listener);
  }

  /** Called by the pipeline before the first byte flows. */
  startStream(chunks$: Observable<Buffer>): void {
    this.chunks$ = chunks$;
    const listeners = this.streamListeners;
    this.streamListeners = null;
    if (listeners) for (const l of listeners) l(chunks$);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  end(status: number, error: GatewayError | null, bytesOut: number, aborted = false): void {
    if (this.ended) return;
    this.ended = true;
    this.resolveDone({ status, error, aborted, endedAt: performance.now(), bytesOut });
  }
}

/** Something that watches every exchange: metrics, the journal, access logs. Never on the byte path. */
export interface ExchangeObserver {
  /** True when this observer records bodies: the pipeline then sets `requestBody`. */
  readonly wantsBodies?: boolean;
  observe(exchange: Exchange): void;
}
