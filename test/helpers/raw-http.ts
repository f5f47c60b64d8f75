/**
 * HTTP/1.1 over a bare TCP socket, for what no HTTP client sends: malformed request lines and
 * headers, conflicting framing, headers or bodies trickled a byte at a time.
 *
 *   const r = await rawExchange(gw.port, ['POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n…']);
 *   assert.equal(r.status, 400);
 */
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { RawReply } from './e2e.js';

export interface RawExchange {
  /** The status of the first response on the connection (0 when none came). */
  status: number;
  /** Its headers, lower-cased names. */
  headers: Record<string, string>;
  /** Its body (everything after the header block), as text. */
  body: string;
  /** Everything received. */
  raw: string;
  /** The server closed the connection (rather than the test giving up). */
  closedByServer: boolean;
  /** Milliseconds from the first byte written to the first byte of the response (or to the end). */
  firstByteMs: number;
  /** Milliseconds from the first byte written to the connection's end. */
  ms: number;
  /** Parts that were never written because the connection was already closed. */
  unsent: number;
}

export interface RawExchangeOptions {
  /** Pause between two parts (default 0). */
  gapMs?: number;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  host?: string;
}

/** Writes `parts` one by one (`gapMs` apart) and reads until the server closes or `timeoutMs`. */
export async function rawExchange(
  port: number,
  parts: ReadonlyArray<string | Buffer>,
  opts: RawExchangeOptions = {},
): Promise<RawExchange> {
  const socket = connect(port, opts.host ?? '127.0.0.1');
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const start = performance.now();
  let firstByteMs = -1;
  const chunks: Buffer[] = [];
  let closedByServer = false;
  const closed = new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      if (firstByteMs < 0) firstByteMs = performance.now() - start;
      chunks.push(d);
    });
    socket.once('close', () => {
      closedByServer = true;
      resolve();
    });
  });
  let unsent = 0;
  const writing = (async () => {
    for (let i = 0; i < parts.length; i++) {
      if (i > 0 && opts.gapMs) await delay(opts.gapMs);
      if (socket.destroyed || socket.writableEnded) {
        unsent = parts.length - i;
        return;
      }
      socket.write(parts[i]!);
    }
  })();
  const timer = delay(opts.timeoutMs ?? 10_000).then(() => 'timeout' as const);
  await Promise.race([closed, timer]);
  const ms = performance.now() - start;
  socket.destroy();
  await writing;
  const raw = Buffer.concat(chunks).toString('utf8');
  const split = raw.indexOf('\r\n\r\n');
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  return {
    status: status ? Number(status) : 0,
    headers,
    body: split >= 0 ? raw.slice(split + 4) : '',
    raw,
    closedByServer,
    firstByteMs: firstByteMs < 0 ? ms : firstByteMs,
    ms,
    unsent,
  };
}

/** One byte per part: a client that trickles `text`. */
export function trickle(text: string): string[] {
  return [...text];
}

/** The first response of an exchange as a RawReply, for the envelope assertions of e2e.ts. */
export function asReply(r: RawExchange): RawReply {
  return {
    status: r.status,
    headers: new Headers(r.headers),
    bytes: Buffer.from(r.body),
    text: r.body,
    json: () => JSON.parse(r.body) as unknown,
  };
}
