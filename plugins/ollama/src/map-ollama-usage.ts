import { asNumber, type IrUsage, type Json } from '@switchyard/plugin-sdk';

/** Ollama's final-object counts (`prompt_eval_count`, `eval_count`) as IR usage; undefined without them. */
export function decodeOllamaUsage(reply: Json): IrUsage | undefined {
  const input = asNumber(reply.prompt_eval_count);
  const output = asNumber(reply.eval_count);
  if (input === undefined && output === undefined) return undefined;
  return { inputTokens: input ?? 0, outputTokens: output ?? 0 };
}
