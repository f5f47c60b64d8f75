import { joinUrl } from '@switchyard/plugin-sdk';

/** `https://bedrock-runtime.{region}.amazonaws.com`: where Converse and ConverseStream are served. */
export function bedrockRuntimeBase(region: string, baseUrl?: string): string {
  return baseUrl ?? `https://bedrock-runtime.${region}.amazonaws.com`;
}

/** `https://bedrock.{region}.amazonaws.com`: the control plane (ListFoundationModels, ListInferenceProfiles). */
export function bedrockControlPlaneBase(region: string, baseUrl?: string): string {
  return baseUrl ?? `https://bedrock.${region}.amazonaws.com`;
}

/**
 * `POST /model/{modelId}/converse` or `/converse-stream`. The model id (a model id, an inference
 * profile id such as `us.anthropic.claude-…`, or an ARN) is one path segment, percent-encoded
 * (an ARN's `:` and `/` included), as the AWS SDK sends it.
 */
export function bedrockConverseUrl(base: string, modelId: string, stream: boolean): string {
  return joinUrl(base, `/model/${encodeURIComponent(modelId)}/${stream ? 'converse-stream' : 'converse'}`);
}

/** `POST /model/{modelId}/count-tokens` (CountTokens). */
export function bedrockCountTokensUrl(base: string, modelId: string): string {
  return joinUrl(base, `/model/${encodeURIComponent(modelId)}/count-tokens`);
}
