import type { Readable } from 'node:stream';
import { GatewayError, isGatewayError } from '@switchyard/plugin-sdk';
import { encodeErrorEvent } from '@switchyard/plugin-sdk';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import type { UpstreamReply } from '@switchyard/plugin-sdk';
import type { StreamErrorEvent } from '@switchyard/plugin-sdk';
import type { Protocol } from '@switchyard/plugin-sdk';
import { destroyWhenIdle } from '@switchyard/plugin-sdk';
import { ObservedStream, type ChunkRewriter } from '@switchyard/plugin-sdk';
import { createModelRewriter, rewriteModelInBody } from '../stream/rewrite-model-field.js';
import { chainRewriters } from '../stream/chain-rewriters.js';
import { createStreamErrorWatcher } from '@switchyard/plugin-sdk';
import { checkJsonReply } from '@switchyard/plugin-sdk';
import { filterReplyHeaders } from '@switchyard/plugin-sdk';
import { mapTransportError } from '@switchyard/plugin-sdk';
import { collectBody } from '@switchyard/plugin-sdk';
import { CLIENT_CLOSED_REQUEST, type Exchange } from './exchange.js';
import type { GatewayReply, GatewayRequest } from './gateway-request.js';
import type { GatewayRuntime, RuntimeBackend } from './gateway-runtime.js';
import type { Translation } from './translation.js';
import { idleTimeout } from './upstream-idle-timeout.js';
import { withRequestId } from './with-request-id.js';

/** A request in flight that the gateway can end early (shutdown grace expired). */
export interface Interruptible {
  interrupt(error: GatewayError): void;
}

/** The upstream reply that won (its attempt succeeded), with what forwarding it needs. */
export interface SentReply {
  reply: UpstreamReply;
  backend: RuntimeBackend;
  translation: Translation | null;
}

/**
 * Forwarding: the winning upstream reply to the client. A complete reply is read whole (checked
 * to be the JSON it claims on passthrough, translated otherwise, `model` rewritten to the client's
 * name); a stream (the request asked for one: issue #16 item 1) is passed on event by event, or
 * translated, observed for usage and error events, and ended with an error event in the client's
 * protocol on a failure after it started or at shutdown (`entry.interrupt`). Ends the exchange.
 */
export async function forwardReply(
  { reply, backend, translation }: SentReply,
  exchange: Exchange,
  req: GatewayRequest,
  realModel: string,
  clientModel: string,
  entry: Interruptible,
  runtime: GatewayRuntime,
  logger: KernelLogger,
): Promise<GatewayReply> {
  const contentType = reply.headers['content-type'];
  // The request decides (issue #16 item 1): a stream whose upstream labels it otherwise is still a stream.
  const sse = exchange.stream;
  const headers = filterReplyHeaders(reply.headers, sse);
  runtime.redactor.redactHeaders(headers);
  headers['x-switchyard-real-model'] = realModel;
  const droppedTools = translation?.ctx.droppedTools;
  if (droppedTools?.length) headers['x-switchyard-dropped-tools'] = [...new Set(droppedTools)].join(', ');
  if (!sse) {
    const collecting = collectBody(reply.body);
    destroyWhenIdle(reply.body, backend.config.timeout_seconds * 1000, () => idleTimeout(backend));
    const raw = await collecting;
    const bodyDoneAt = performance.now();
    // A translated reply is parsed by its decoder; a passed-through one is checked to be what it claims.
    if (!translation && reply.status !== 204) checkJsonReply(raw, contentType, backend.config.id);
    // An operation on a translated lane is answered by the adapter in the ingress's shape already.
    const body = !translation
      ? rewriteModelInBody(raw, realModel, clientModel, modelRewriterOf(runtime, req.protocol))
      : req.operation === undefined
        ? translation.response(raw)
        : raw;
    if (translation) headers['content-type'] = 'application/json';
    exchange.responseBody = body;
    exchange.overheadMs = exchange.upstreamSentAt! - exchange.startedAt + (performance.now() - bodyDoneAt);
    headers['x-switchyard-overhead-ms'] = exchange.overheadMs.toFixed(3);
    exchange.end(reply.status, null, body.length);
    return { status: reply.status, headers, body, stream: false, exchange };
  }
  // The first error the stream carries to the client is what the request ends with (journal, metrics).
  const onStreamError = (e: StreamErrorEvent): void => {
    exchange.streamError ??= GatewayError.upstreamStreamError(backend.config.id, e.message);
  };
  const out = new ObservedStream(
    translation
      ? undefined
      : chainRewriters(
          modelRewriterOf(runtime, req.protocol)(realModel, clientModel),
          exchange.usageInjected ? exchange.usageReader?.stripStreamUsage?.() : undefined,
          watchPassthroughErrors(runtime, req.protocol, onStreamError),
        ),
  );
  if (translation || !isEventStream(contentType)) headers['content-type'] = 'text/event-stream; charset=utf-8';
  exchange.overheadMs = exchange.upstreamSentAt! - exchange.startedAt + (performance.now() - exchange.upstreamHeadersAt!);
  exchange.startStream(out.chunks$);
  const ingress = runtime.registry.codec(req.protocol);
  const envelope = ingress?.errorEnvelope;
  const translating = translation ? translation.stream((u) => (exchange.upstreamUsage = u), onStreamError) : null;
  const source: Readable = translating ? translating.attach(reply.body) : reply.body;
  // Passthrough streams of some protocols end in the protocol's own failure events (they may need the upstream's response id).
  const passthroughFailure = translating ? null : (ingress?.createPassthroughFailure?.({ clientModel }) ?? null);
  if (passthroughFailure) out.chunks$.subscribe((chunk) => passthroughFailure.observe(chunk));
  /** The stream's last words after a failure: the client protocol's error event(s), on an event boundary. */
  // The protocol's plugin writes these events: secrets are redacted in its bytes, as in the rest of the stream.
  const finalEvent = (error: GatewayError): string | null => {
    const boundary = out.atEventBoundary ? '' : '\n\n';
    const encoded = translating?.failureEvent(error);
    if (encoded) return boundary + encoded;
    if (!passthroughFailure) return boundary + runtime.redactor.redact(encodeErrorEvent(envelope, error));
    const events = passthroughFailure.failureEvent(error);
    return events ? boundary + runtime.redactor.redact(events) : null;
  };
  // A failure after the stream started ends it with an error event in the client's protocol.
  const fail = (error: GatewayError): void => {
    if (req.signal.aborted || out.destroyed || exchange.isEnded) return;
    (req.logger ?? logger).warn(withRequestId(req, { backend: backend.config.id, err: error.message }), 'stream failed after it started');
    out.finishWith(finalEvent(error));
    exchange.end(error.status, error, out.bytesOut);
  };
  // Shutdown: the stream ends now with an error event (on an event boundary), and the upstream request is dropped.
  const interrupt = (error: GatewayError): void => {
    if (req.signal.aborted || out.destroyed || exchange.isEnded) return;
    out.finishWith(finalEvent(error));
    exchange.end(error.status, error, out.bytesOut);
    reply.body.destroy();
  };
  // Not `entry.interrupt = (error) => …`: V8 allocates a function literal assigned straight to a
  // property in the old generation (it takes it for a method set up once), and this one holds the
  // whole stream. Dead, it still kept each stream's objects alive through young-generation
  // collections: a third of what a stream allocates was copied and then promoted, and scavenges
  // paused 10–30 ms (issue #19: the stream tail). test/unit/no-pretenured-closures.test.ts.
  entry.interrupt = interrupt;
  reply.body.on('error', (err: Error) => fail(mapTransportError(err, backend.config.id)));
  if (source !== reply.body) {
    source.on('error', (err: Error) =>
      fail(
        isGatewayError(err)
          ? err
          : GatewayError.badGateway(`backend ${backend.config.id} sent a stream that could not be translated: ${err.message}`),
      ),
    );
  }
  out.on('end', () => {
    const error = exchange.streamError;
    if (error) {
      (req.logger ?? logger).warn(
        withRequestId(req, { backend: backend.config.id, err: error.message }),
        'the upstream stream carried an error',
      );
    }
    exchange.end(error ? error.status : reply.status, error, out.bytesOut);
  });
  out.on('close', () => {
    if (!exchange.isEnded) {
      reply.body.destroy();
      exchange.end(CLIENT_CLOSED_REQUEST, null, out.bytesOut, true);
    }
  });
  out.attach(source);
  destroyWhenIdle(reply.body, backend.config.timeout_seconds * 1000, () => idleTimeout(backend));
  return { status: reply.status, headers, body: out, stream: true, exchange };
}

/** The rewriter that records and redacts a passthrough stream's own error events, when its protocol's codec can read them. */
function watchPassthroughErrors(
  runtime: GatewayRuntime,
  protocol: Protocol,
  onError: (e: StreamErrorEvent) => void,
): ChunkRewriter | undefined {
  const codec = runtime.registry.codec(protocol);
  const read = codec?.readStreamError;
  if (!read) return undefined;
  const redactor = runtime.redactor;
  return createStreamErrorWatcher({ read: (e) => read.call(codec, e), redact: (t) => redactor.redact(t), onError });
}

/** Whether an upstream labelled its reply as server-sent events (its own label is kept then). */
function isEventStream(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && contentType.trimStart().toLowerCase().startsWith('text/event-stream');
}

/** How passthrough replies of `protocol` get the client's model name: its codec's hook, else the `"model"` member rewrite. */
function modelRewriterOf(
  runtime: GatewayRuntime,
  protocol: Protocol,
): (realModel: string, clientModel: string) => ChunkRewriter | undefined {
  const codec = runtime.registry.codec(protocol);
  return codec?.createModelRewriter ? codec.createModelRewriter.bind(codec) : createModelRewriter;
}
