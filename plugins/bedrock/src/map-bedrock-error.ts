import type { GatewayErrorKind } from '@switchyard/plugin-sdk';

/**
 * What a Bedrock exception (by its type: `x-amzn-ErrorType` on a reply, `:exception-type` in a
 * stream) becomes for the client: status and error kind. ThrottlingException → 429;
 * ValidationException → 400; ModelNotReadyException (Bedrock's 429) and
 * ServiceUnavailableException → 503, retryable on another target; ModelTimeoutException
 * (Bedrock's 408) → 504; ModelErrorException / modelStreamErrorException (424) → 502.
 */
const BEDROCK_EXCEPTIONS: Readonly<Record<string, { status: number; kind: GatewayErrorKind }>> = {
  throttlingexception: { status: 429, kind: 'rate_limit' },
  servicequotaexceededexception: { status: 429, kind: 'rate_limit' },
  validationexception: { status: 400, kind: 'invalid_request' },
  modelnotreadyexception: { status: 503, kind: 'unavailable' },
  serviceunavailableexception: { status: 503, kind: 'unavailable' },
  modeltimeoutexception: { status: 504, kind: 'timeout' },
  modelerrorexception: { status: 502, kind: 'upstream' },
  modelstreamerrorexception: { status: 502, kind: 'upstream' },
  internalserverexception: { status: 500, kind: 'upstream' },
  resourcenotfoundexception: { status: 404, kind: 'not_found' },
};

/** Exceptions that say the gateway's AWS credentials were refused (the client's own key was fine). */
const CREDENTIAL_EXCEPTIONS = new Set([
  'unrecognizedclientexception',
  'invalidsignatureexception',
  'expiredtokenexception',
  'incompletesignature',
  'invalidclienttokenid',
  'missingauthenticationtokenexception',
  'missingauthenticationtoken',
  'signaturedoesnotmatch',
]);

/** The status and kind a Bedrock exception type maps to; undefined for types without a mapping. */
export function bedrockExceptionStatus(type: string): { status: number; kind: GatewayErrorKind } | undefined {
  return BEDROCK_EXCEPTIONS[type.toLowerCase()];
}

export function isBedrockCredentialException(type: string): boolean {
  return CREDENTIAL_EXCEPTIONS.has(type.toLowerCase());
}

export function isBedrockAccessDenied(type: string): boolean {
  return type.toLowerCase() === 'accessdeniedexception';
}

/**
 * The exception type of an error reply, as the AWS SDK reads it (rest-json): the
 * `x-amzn-ErrorType` header (`ValidationException:http://…` → `ValidationException`), else the
 * body's `__type` (`com.amazon…#ValidationException` → `ValidationException`) or `code`.
 */
export function bedrockErrorType(
  headerValue: string | string[] | undefined,
  body: Record<string, unknown> | undefined,
): string | undefined {
  const raw = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  const fromBody = typeof body?.__type === 'string' ? body.__type : typeof body?.code === 'string' ? body.code : undefined;
  const value = raw ?? fromBody;
  if (!value) return undefined;
  return value.split(':')[0]!.split('#').pop()!.trim() || undefined;
}
