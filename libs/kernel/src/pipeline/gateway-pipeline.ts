import { GatewayError } from '@switchyard/plugin-sdk';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import { CLIENT_CLOSED_REQUEST, Exchange, type ExchangeObserver } from './exchange.js';
import { forwardReply } from './forward-reply.js';
import type { GatewayReply, GatewayRequest, RequestPipeline } from './gateway-request.js';
import type { GatewayRuntime } from './gateway-runtime.js';
import { OpenRequests } from './open-requests.js';
import { requestsStream } from './requests-stream.js';
import { sendToTargets } from './send-to-targets.js';
import { TargetBalancer, type BackendDownCheck } from './target-balancer.js';
import { failureOf } from './to-gateway-error.js';
import type { AdmissionGate } from '../governance/admission-gate.js';

/** Where the pipeline reads its current runtime; a reload swaps what it returns. */
export interface RuntimeSource {
  current(): GatewayRuntime;
}

/**
 * Routing, profiles and the adapter call for one request, independent of HTTP: controllers call
 * `handle` and write the reply; an embedding program can call it directly.
 */
export class GatewayPipeline implements RequestPipeline {
  private readonly observers: ExchangeObserver[] = [];
  /** Load, queues and cooldowns of backends and targets (issue #10), shared by all requests and kept across reloads. */
  readonly balancer = new TargetBalancer();
  /** An observer records bodies (journal include_bodies): set `exchange.requestBody`. */
  private wantBodies = false;
  /** Requests in flight, each with how to end it now (see interruptAll; not a Set: see open-requests.ts). */
  private readonly open = new OpenRequests();
  /** Client-key admission (issue #20), between routing and the first attempt. */
  private admission: AdmissionGate | null = null;

  constructor(
    private readonly runtimes: RuntimeSource,
    private readonly logger: KernelLogger,
  ) {}

  /** Backends the monitor marks down are skipped while another target is up. */
  useHealth(isDown: BackendDownCheck): void {
    this.balancer.useHealth(isDown);
  }

  /** Installs the admission gate every later request passes after routing (client keys). */
  useAdmissionGate(gate: AdmissionGate | null): void {
    this.admission = gate;
  }

  addObserver(observer: ExchangeObserver): void {
    this.observers.push(observer);
    if (observer.wantsBodies) this.wantBodies = true;
  }

  /** Requests in flight (from the pipeline taking them until their response ended). */
  get inFlight(): number {
    return this.open.size;
  }

  /**
   * Ends every request in flight with `error` (shutdown after its grace period): a stream gets a
   * final error event in its client's protocol, then ends; a request still waiting for the
   * upstream fails with `error` as its response. Returns how many were interrupted.
   */
  interruptAll(error: GatewayError): number {
    const open = this.open.toArray();
    for (const entry of open) entry.interrupt(error);
    return open.length;
  }

  /**
   * One request, start to end: the exchange that records it (journal, metrics), the ingress
   * codec's field checks, routing, then the attempts (send-to-targets.ts, by the rules of
   * attempt-policy.ts, each shaped by prepare-upstream-call.ts) and forwarding the reply that won
   * (forward-reply.ts). Every failure rejects with a GatewayError and ends the exchange with it.
   */
  async handle(req: GatewayRequest): Promise<GatewayReply> {
    const runtime = this.runtimes.current();
    // The runtime this request started on stays in use (and open) until the request ends.
    runtime.retain();
    // One signal for the upstream: the client going away or the gateway ending the request
    // (shutdown, retry deadline). A listener, not AbortSignal.any: that costs several µs per request.
    const cut = new AbortController();
    // The closures made here live as long as the response (a stream: minutes): they hold the
    // signal, never `req` and with it the request's body (issue #19).
    const clientSignal = req.signal;
    const clientGone = (): void => cut.abort(clientSignal.reason);
    if (clientSignal.aborted) clientGone();
    else clientSignal.addEventListener('abort', clientGone, { once: true });
    const model = req.body.model;
    // The ingress protocol's codec (its plugin's): stream or not, usage, field checks.
    const ingress = runtime.registry.codec(req.protocol);
    const stream = requestsStream(ingress, req.body, req.operation);
    const exchange = new Exchange(
      req.requestId,
      req.protocol,
      stream,
      typeof model === 'string' ? model : '',
      req.rawBody?.length ?? 0,
      req.clientKeyId ?? null,
    );
    const entry = this.open.add((error) => cut.abort(error));
    // Settled when the response has ended (its last byte, an error, or the client gone).
    void exchange.done.then(() => {
      clientSignal.removeEventListener('abort', clientGone);
      this.open.remove(entry);
      runtime.release();
    });
    exchange.usageReader = ingress?.usage ?? null;
    exchange.operationName = ingress?.operationName ?? null;
    if (this.wantBodies) exchange.requestBody = req.body;
    for (const o of this.observers) o.observe(exchange);
    try {
      if (typeof model !== 'string' || model.length === 0) {
        throw GatewayError.invalidRequest('model: required, a non-empty string naming the model', 'model');
      }
      // The ingress's own field checks (its plugin's codec), before routing: 400 before 404.
      ingress?.validateRequest?.(req.body, req.operation);
      const decision = runtime.router.route(model, { codec: ingress, body: req.body });
      exchange.decision = decision;
      // Client keys (issue #20): admitted (or refused) once, after routing, before the first attempt.
      const admitting = this.admission?.admit(req, decision, exchange, runtime);
      const admitted = admitting ? await admitting : null;
      const logger = req.logger ?? this.logger;
      const sent = await sendToTargets({
        req,
        exchange,
        decision,
        runtime,
        balancer: this.balancer,
        model,
        stream,
        logger,
        pipelineLogger: this.logger,
        cut,
      });
      // A stream's forwarding keeps its request until the stream ends: not its body, which nothing reads any more.
      const forwarded = stream ? withoutBody(req) : req;
      const replied = await forwardReply(sent, exchange, forwarded, decision.realModel, decision.clientModel, entry, runtime, this.logger);
      if (admitted) Object.assign(replied.headers, admitted.headers);
      return replied;
    } catch (err) {
      const error = failureOf(err, req, cut.signal, runtime.backends.get(exchange.decision?.backendId ?? ''), this.logger);
      exchange.end(req.signal.aborted ? CLIENT_CLOSED_REQUEST : error.status, error, 0, req.signal.aborted);
      throw error;
    }
  }
}

/** No body: what a request's body is replaced with once it went upstream. */
const NO_BODY: Record<string, unknown> = Object.freeze({});

/**
 * The request without its body and raw bytes, for what outlives sending it upstream (a stream's
 * forwarding, for minutes): an open stream then does not keep the request body alive (issue
 * #19: an 88 KB Claude-Code-sized body held twice, parsed and raw, by every open stream).
 */
function withoutBody(req: GatewayRequest): GatewayRequest {
  return { ...req, body: NO_BODY, rawBody: undefined };
}
