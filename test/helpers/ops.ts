/**
 * Helpers for the operations tests (test/e2e/ops-*.test.ts): streaming requests read event by
 * event, fake upstreams that say who answered, self-signed certificates made with the openssl
 * CLI, and HTTPS requests trusting a test CA.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { json, openAiCompatible, sse, type FakeHandler } from './fake-upstream.js';
import { textChunks } from './e2e.js';
import { iterateSse, type SseMessage } from './sse.js';

/** A streaming request in progress: its events as they arrive, and how it ended. */
export interface OpenStream {
  readonly status: number;
  readonly headers: Headers;
  /** Events so far. */
  readonly events: SseMessage[];
  /** Resolves once `count` events have arrived (rejects if the stream ended before). */
  waitForEvents(count: number): Promise<void>;
  /** Resolves when the body has ended (or failed): the events and the error, if reading failed. */
  readonly done: Promise<{ events: SseMessage[]; error?: Error; endedAt: number }>;
}

/** POSTs a streaming request and reads its SSE events as they come (fetch, default agent). */
export async function openStream(url: string, body: object, headers: Record<string, string> = {}): Promise<OpenStream> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const events: SseMessage[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  const done = (async () => {
    try {
      for await (const e of iterateSse(res.body)) {
        events.push(e);
        for (const w of waiters) w();
      }
      return { events, endedAt: Date.now() };
    } catch (error) {
      return { events, error: error as Error, endedAt: Date.now() };
    } finally {
      ended = true;
      for (const w of waiters) w();
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    done,
    waitForEvents(count) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (events.length >= count) {
            waiters.delete(check);
            resolve();
          } else if (ended) {
            waiters.delete(check);
            reject(new Error(`the stream ended after ${events.length} event(s), expected ${count}: ${JSON.stringify(events)}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** The text a chat completion stream carried (its `delta.content` pieces). */
export function streamedText(events: readonly SseMessage[]): string {
  let text = '';
  for (const e of events) {
    if (e.data === '[DONE]') continue;
    const chunk = JSON.parse(e.data) as { choices?: Array<{ delta?: { content?: string } }> };
    text += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return text;
}

/**
 * An OpenAI-compatible fake that streams `pieces` text pieces named after `label` (`A0 A1 …`),
 * `delayMs` apart, so a test can tell which upstream served a stream; GET /models lists `models`.
 */
export function labeledStreams(label: string, opts: { pieces?: number; delayMs?: number; models?: string[] } = {}): FakeHandler {
  const listing = openAiCompatible({ mock_models: opts.models ?? ['any'] });
  return (req, res, record) => {
    if (req.method !== 'POST') return listing(req, res, record);
    const model = typeof record.body?.model === 'string' ? (record.body.model as string) : 'unknown';
    const pieces = Array.from({ length: opts.pieces ?? 5 }, (_, i) => `${label}${i} `);
    if (record.body?.stream !== true) {
      return json(200, {
        id: 'chatcmpl-ops',
        object: 'chat.completion',
        created: 1_700_000_000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: pieces.join('') }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: pieces.length, total_tokens: pieces.length + 1 },
      })(req, res, record);
    }
    return sse(textChunks(model, pieces), { delayMs: opts.delayMs ?? 20 })(req, res, record);
  };
}

export interface TestCertificates {
  dir: string;
  caCert: string;
  /** PEM file paths of a server certificate for 127.0.0.1 / localhost signed by the CA. */
  cert: (name: string) => { cert: string; key: string; fingerprint: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A throw-away CA (openssl CLI) that signs server certificates for 127.0.0.1 and localhost. */
export function makeTestCa(dir: string): TestCertificates {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=switchyard test CA',
    ],
    dir,
  );
  return {
    dir,
    caCert: path.join(dir, 'ca.crt'),
    cert(name) {
      const ext = path.join(dir, `${name}.ext`);
      execFileSync('sh', [
        '-c',
        `printf 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > ${JSON.stringify(ext)}`,
      ]);
      openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${name}.csr`,
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-out',
          `${name}.crt`,
          '-days',
          '2',
          '-extfile',
          ext,
        ],
        dir,
      );
      const cert = path.join(dir, `${name}.crt`);
      return { cert, key: path.join(dir, `${name}.key`), fingerprint: new X509Certificate(readFileSync(cert)).fingerprint256 };
    },
  };
}

export interface HttpsReply {
  status: number;
  body: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint: string;
}

/** A GET over HTTPS on a fresh connection, trusting only `ca`. */
export function httpsGet(url: string, ca: string): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca: readFileSync(ca), agent: false, timeout: 5000 }, (res) => {
      const socket = res.socket as TLSSocket;
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (body += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
