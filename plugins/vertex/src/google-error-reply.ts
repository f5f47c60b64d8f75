import { decodeGenericUpstreamError, GatewayError, readBody, type SecretRedactor, type UpstreamReply } from '@switchyard/plugin-sdk';
import { decodeGoogleError } from './decode-google-error.js';

/** How an error reply's body is read (error bodies are small; the rest is discarded). */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * Vertex refused the gateway's credentials (401 after the retry with a fresh token, or 403
 * PERMISSION_DENIED: the principal lacks `aiplatform.endpoints.predict`, the API is not
 * enabled, the model is not enabled for the project): a 502 as for every backend (SPEC §3: the
 * client's own key was fine), whose message carries Google's reason so it can be acted on.
 */
export async function credentialsRejected(reply: UpstreamReply, backendId: string, redactor: SecretRedactor): Promise<GatewayError> {
  const text = await readBody(reply.body, ERROR_BODY_LIMIT).catch(() => '');
  const parsed =
    decodeGoogleError(reply.status, reply.headers, text) ?? decodeGenericUpstreamError(reply.status, reply.headers, text) ?? {};
  const status = parsed.code && /^[A-Z_]+$/.test(parsed.code) ? `${reply.status} ${parsed.code}` : String(reply.status);
  const reason = parsed.message ? `: ${redactor.redact(parsed.message).slice(0, 500)}` : '';
  const hint =
    reply.status === 403
      ? ' (the credentials need the Vertex AI User role on the project, the Vertex AI API enabled, and the model enabled in Model Garden)'
      : '';
  const upstreamId = reply.headers['x-request-id'] ?? reply.headers['request-id'];
  return new GatewayError({
    status: 502,
    kind: 'upstream',
    code: 'upstream_auth_failed',
    message: `backend ${backendId} rejected the gateway's credentials (upstream status ${status}${reason})${hint}`,
    headers: typeof upstreamId === 'string' ? { 'x-upstream-request-id': upstreamId } : {},
  });
}

/** Reads and drops a reply body (a 401 about to be retried). */
export async function discard(reply: UpstreamReply): Promise<void> {
  await readBody(reply.body, ERROR_BODY_LIMIT).catch(() => '');
}
