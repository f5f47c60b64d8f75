import { Readable } from 'node:stream';
import { GatewayError, isObject, readBody, type UpstreamReply } from '@switchyard/plugin-sdk';
import { discard } from './google-error-reply.js';

/** Batches of one embeddings request in flight at once. */
const CONCURRENCY = 4;
/** A batch's reply is read whole; more than this is refused. */
const REPLY_LIMIT = 64 * 1024 * 1024;

/** A `:predict` body's instances in batches of at most `limit`, each with the same `parameters`. */
export function splitVertexEmbeddingsBody(body: Record<string, unknown>, limit: number): Record<string, unknown>[] {
  const instances = Array.isArray(body.instances) ? body.instances : [];
  if (instances.length <= limit) return [body];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < instances.length; i += limit) out.push({ ...body, instances: instances.slice(i, i + limit) });
  return out;
}

/**
 * Sends the batches, a few at a time, and answers as one `:predict` reply: the predictions of every
 * batch in order and the billable characters summed; or the first batch's error reply as it is
 * (the others' bodies discarded). A send that throws discards what came back and throws.
 */
export async function sendVertexEmbeddingBatches(
  batches: readonly Record<string, unknown>[],
  send: (body: Record<string, unknown>) => Promise<UpstreamReply>,
  backendId: string,
): Promise<UpstreamReply> {
  const replies: UpstreamReply[] = [];
  let next = 0;
  let failure: unknown = null;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < batches.length) {
      const at = next++;
      try {
        replies[at] = await send(batches[at]!);
        if (replies[at]!.status >= 400) stop = true;
      } catch (err) {
        failure ??= err;
        stop = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
  const failed = failure === null ? replies.find((r) => r.status >= 400) : undefined;
  if (failure !== null || failed) {
    await Promise.all(replies.filter((r) => r && r !== failed).map(discard));
    if (failed) return failed;
    throw failure;
  }
  return mergeReplies(replies, backendId);
}

async function mergeReplies(replies: UpstreamReply[], backendId: string): Promise<UpstreamReply> {
  const predictions: unknown[] = [];
  let billable = 0;
  for (const reply of replies) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(reply.body, REPLY_LIMIT));
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw GatewayError.badGateway(`backend ${backendId} answered with a body that is not JSON`, 'upstream_malformed');
    }
    if (!isObject(parsed) || !Array.isArray(parsed.predictions)) {
      throw GatewayError.badGateway('the backend sent an embeddings reply without predictions', 'upstream_malformed');
    }
    predictions.push(...parsed.predictions);
    const chars = isObject(parsed.metadata) ? parsed.metadata.billableCharacterCount : undefined;
    if (typeof chars === 'number') billable += chars;
  }
  const body = Buffer.from(JSON.stringify({ predictions, metadata: { billableCharacterCount: billable } }));
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    body: Readable.from([body]),
  };
}
