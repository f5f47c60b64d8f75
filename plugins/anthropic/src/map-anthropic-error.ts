/** Anthropic error `type` values (https://docs.anthropic.com/en/api/errors). */
const ANTHROPIC_ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** The HTTP status an Anthropic error type stands for (a mid-stream `error` event has none). */
export function statusForAnthropicErrorType(type: string | undefined): number {
  return (type !== undefined ? ANTHROPIC_ERROR_STATUS[type] : undefined) ?? 500;
}

/** The Anthropic error type for an IR error: its own type when it is Anthropic's, else one by status. */
export function anthropicErrorType(status: number, type: string | undefined): string {
  if (type !== undefined && Object.hasOwn(ANTHROPIC_ERROR_STATUS, type)) return type;
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}
