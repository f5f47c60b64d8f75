/** What a strict fake answers instead of the scripted handler when a request breaks a provider rule. */
export interface ProviderRejection {
  status: number;
  body: Record<string, unknown>;
}

/** OpenAI's error envelope: `400 {"error":{"message","type":"invalid_request_error","param","code"}}`. */
export function openAiInvalidRequest(message: string, param: string | null, code: string | null = null): ProviderRejection {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

/** Google's error envelope: `400 {"error":{"code":400,"message","status":"INVALID_ARGUMENT"}}`. */
export function googleInvalidArgument(message: string): ProviderRejection {
  return { status: 400, body: { error: { code: 400, message, status: 'INVALID_ARGUMENT' } } };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;

export const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
