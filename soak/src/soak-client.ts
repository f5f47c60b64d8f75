/**
 * One soak exchange from the client's side: a streaming request on its own connection (no
 * keep-alive, so the gateway's descriptors return to baseline), read event by event, optionally
 * aborted a given time after the response headers; returns what the client saw.
 */
import { request, type IncomingMessage } from 'node:http';
import { iterateSse } from '@switchyard/testing/sse';
import { eventMeaning, laneRequest, type Lane } from './soak-lanes.js';
import type { ClientOutcome } from './soak-expectations.js';

export interface ExchangePlan {
  requestId: string;
  lane: Lane;
  /** Abort this long after the response headers (undefined: read to the end). */
  abortAfterMs?: number;
}

/** No exchange may take longer than this (a hang is a failure of the soak, not a wait). */
const EXCHANGE_TIMEOUT_MS = 30_000;

export async function runExchange(baseUrl: string, plan: ExchangePlan): Promise<ClientOutcome> {
  const { path, headers, body } = laneRequest(plan.lane, 'soak');
  const payload = JSON.stringify(body);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, {
      method: 'POST',
      agent: false,
      timeout: EXCHANGE_TIMEOUT_MS,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(payload)),
        'x-request-id': plan.requestId,
        connection: 'close',
      },
    });
    req.on('response', resolve);
    req.on('timeout', () => req.destroy(new Error(`${plan.requestId}: no response within ${EXCHANGE_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
  if (res.statusCode !== 200) {
    res.resume();
    await new Promise((resolve) => res.once('close', resolve));
    return { kind: 'status', status: res.statusCode ?? 0 };
  }
  let aborted = false;
  const timer =
    plan.abortAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          aborted = true;
          res.destroy();
        }, plan.abortAfterMs);
  const hardStop = setTimeout(
    () => res.destroy(new Error(`${plan.requestId}: stream still open after ${EXCHANGE_TIMEOUT_MS} ms`)),
    EXCHANGE_TIMEOUT_MS,
  );
  let failure: string | undefined;
  let terminal = false;
  try {
    for await (const e of iterateSse(res)) {
      const meaning = eventMeaning(plan.lane, e);
      if (meaning === 'terminal') terminal = true;
      else if ((meaning === 'error' || meaning === 'malformed') && failure === undefined) failure = `${meaning}: ${e.data.slice(0, 200)}`;
    }
  } catch {
    // The client's own abort, or the connection cut under it (a truncated stream, judged below).
  } finally {
    clearTimeout(timer);
    clearTimeout(hardStop);
  }
  if (aborted && !terminal) return { kind: 'aborted' };
  if (failure !== undefined) return { kind: 'failed-stream', detail: failure };
  return terminal ? { kind: 'complete' } : { kind: 'truncated' };
}
