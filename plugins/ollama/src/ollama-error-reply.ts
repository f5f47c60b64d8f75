import { Readable } from 'node:stream';
import { asString, isObject, parseJson, readBody, type UpstreamReply } from '@switchyard/plugin-sdk';

/** Error bodies are small; the rest is discarded. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * An Ollama error reply (`{"error": "…"}` with its HTTP status,
 * https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx) in the form the kernel reads for
 * every backend: the same status and a JSON body `{message}` whose message is Ollama's text (a
 * body that is not Ollama's shape: its first 500 characters). The kernel then answers the client
 * in its own protocol's envelope, secrets redacted.
 */
export async function normaliseOllamaErrorReply(reply: UpstreamReply): Promise<UpstreamReply> {
  const text = await readBody(reply.body, ERROR_BODY_LIMIT).catch(() => '');
  const parsed = parseJson(text);
  const message =
    (isObject(parsed) ? asString(parsed.error) : undefined) ?? (text.trim().slice(0, 500) || `Ollama answered HTTP ${reply.status}`);
  const headers: Record<string, string | string[] | undefined> = { ...reply.headers, 'content-type': 'application/json' };
  delete headers['content-length'];
  return { status: reply.status, headers, body: Readable.from([Buffer.from(JSON.stringify({ message }))]) };
}
