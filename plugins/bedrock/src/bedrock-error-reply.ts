import { Readable } from 'node:stream';
import { GatewayError, isObject, parseJson, readBody, type SecretRedactor, type UpstreamReply } from '@switchyard/plugin-sdk';
import { bedrockErrorType, bedrockExceptionStatus, isBedrockAccessDenied, isBedrockCredentialException } from './map-bedrock-error.js';

/** How an error reply's body is read (error bodies are small; the rest is discarded). */
const ERROR_BODY_LIMIT = 64 * 1024;

/** Bedrock sends no retry-after with a ThrottlingException: the gateway asks for this many seconds. */
export const BEDROCK_THROTTLE_RETRY_AFTER_SECONDS = 1;

export interface BedrockErrorContext {
  backendId: string;
  model: string;
  redactor: SecretRedactor;
}

/**
 * A Bedrock error reply in the form the kernel maps for every backend: the exception's status
 * (ThrottlingException 429 with a retry-after, ValidationException 400, ModelNotReady and
 * ServiceUnavailable 503, ModelTimeout 504) and a JSON body `{message, code}` whose message is
 * Bedrock's, prefixed with the exception type. Credential exceptions and AccessDenied throw a 502
 * that says what to fix (SPEC §3: the client's own key was fine).
 */
export async function normaliseBedrockErrorReply(reply: UpstreamReply, ctx: BedrockErrorContext): Promise<UpstreamReply> {
  const text = await readBody(reply.body, ERROR_BODY_LIMIT).catch(() => '');
  const parsed = parseJson(text);
  const body = isObject(parsed) ? parsed : undefined;
  const type = bedrockErrorType(reply.headers['x-amzn-errortype'], body) ?? `HTTP ${reply.status}`;
  const raw =
    typeof body?.message === 'string' ? body.message : typeof body?.Message === 'string' ? body.Message : text.trim().slice(0, 500);
  const message = ctx.redactor.redact(raw);
  const upstreamId = reply.headers['x-amzn-requestid'];
  const idHeaders: Record<string, string> = typeof upstreamId === 'string' ? { 'x-upstream-request-id': upstreamId } : {};
  if (isBedrockCredentialException(type) || reply.status === 401) {
    throw new GatewayError({
      status: 502,
      kind: 'upstream',
      code: 'upstream_auth_failed',
      message: `backend ${ctx.backendId} rejected the gateway's credentials (${type}${message ? `: ${message}` : ''})`,
      headers: idHeaders,
    });
  }
  if (isBedrockAccessDenied(type) || reply.status === 403) {
    throw new GatewayError({
      status: 502,
      kind: 'upstream',
      code: 'upstream_access_denied',
      message:
        `backend ${ctx.backendId} is not allowed to use model ${ctx.model} on Bedrock (${type}${message ? `: ${message}` : ''}); ` +
        'the credentials need bedrock:InvokeModel (and bedrock:InvokeModelWithResponseStream) on the model, and the account access to it',
      headers: idHeaders,
    });
  }
  const status = bedrockExceptionStatus(type)?.status ?? reply.status;
  const headers: Record<string, string | string[] | undefined> = { ...reply.headers, 'content-type': 'application/json' };
  delete headers['content-length'];
  if (typeof upstreamId === 'string') headers['x-request-id'] = upstreamId;
  if (status === 429 && headers['retry-after'] === undefined) headers['retry-after'] = String(BEDROCK_THROTTLE_RETRY_AFTER_SECONDS);
  const out = JSON.stringify({ message: message ? `${type}: ${message}` : type, code: type });
  return { status, headers, body: Readable.from([Buffer.from(out)]) };
}
