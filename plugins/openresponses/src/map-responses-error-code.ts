/**
 * The Responses API error `code` for a failure (what agents such as Codex branch on: rate limits
 * and overload are retried), from an HTTP status and an error type or GatewayError kind. Shared by
 * the translating Responses encoder and the passthrough stream's final event.
 */
export function responsesErrorCode(status: number, errorType: string): string {
  if (status === 429 || errorType === 'rate_limit' || errorType === 'rate_limit_error') return 'rate_limit_exceeded';
  if (status === 529 || status === 503 || errorType === 'overloaded' || errorType === 'overloaded_error') return 'server_is_overloaded';
  if (status >= 400 && status < 500) return 'invalid_request_error';
  return 'server_error';
}
