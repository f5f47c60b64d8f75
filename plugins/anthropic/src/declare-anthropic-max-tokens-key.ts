import { IsInt, IsOptional, Min } from 'class-validator';

/**
 * The `default_max_tokens` key of a backend serving Claude (Anthropic's API, Claude on Vertex AI,
 * on Bedrock): a whole number ≥ 1, optional. One decorator for the config classes that declare it.
 */
export function DefaultMaxTokensKey(): PropertyDecorator {
  const rules = [IsOptional(), IsInt(), Min(1)];
  return (target, key) => {
    for (const rule of rules) rule(target, key);
  };
}

/** Its line in the generated JSON Schema (keyDescriptions). */
export const DEFAULT_MAX_TOKENS_DESCRIPTION = 'max_tokens sent when neither the request nor a profile sets it (else 4096).';
