/**
 * Whether a Bedrock model id is Anthropic's Claude: a model id (`anthropic.claude-…`), an
 * inference profile id (`us.anthropic.claude-…`, `global.anthropic.claude-…`) or an ARN naming
 * either. Claude takes its own fields (thinking, top_k) through `additionalModelRequestFields`.
 */
export function isBedrockClaude(modelId: string): boolean {
  return /(?:^|[./])anthropic\.claude-/i.test(modelId);
}

/** The Claude model name inside a Bedrock id (`us.anthropic.claude-sonnet-4-5-20250929-v1:0` → `claude-sonnet-4-5-20250929-v1:0`). */
export function bedrockClaudeName(modelId: string): string {
  const m = /anthropic\.(claude-[^/]*)$/i.exec(modelId);
  return m ? m[1]! : modelId;
}
