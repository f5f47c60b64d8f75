import { GatewayError, type CodecContext, type IrRequest } from '@switchyard/plugin-sdk';
import { decodeOpenAISampling, OPENAI_SAMPLING_FIELDS } from './decode-openai-sampling.js';
import { asObject, numberField, stringField } from './read-openai-chat-json.js';

/** Fields read below (or set by the kernel); every other field (`logit_bias`) is reported as dropped. */
const HANDLED = new Set([
  'model',
  'prompt',
  'suffix',
  ...OPENAI_SAMPLING_FIELDS,
  'user',
  'stream',
  'stream_options',
  'n',
  'best_of',
  'logprobs',
  'echo',
]);

/**
 * The prompt to continue: one text. OpenAI takes lists of prompts and token ids too
 * (https://platform.openai.com/docs/api-reference/completions/create), which a translated target
 * cannot be given as one prompt: a 400 naming `prompt`.
 */
function decodePrompt(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') return prompt[0];
  if (prompt === undefined) throw GatewayError.invalidRequest('prompt is required', 'prompt');
  throw GatewayError.invalidRequest(
    'prompt: only one text prompt can be translated for this model (not a list of prompts or token ids)',
    'prompt',
  );
}

/**
 * An OpenAI legacy completions body (`/v1/completions`) in the IR: `prompt` and `suffix` as
 * IrRequest.prompt, the sampling fields as for chat; `n` and `logprobs` as the IR asks for them
 * (the kernel answers a 400 where the backend cannot serve them). `echo` and `best_of` above `n`
 * have no IR form: a 400 naming the field, never an answer without what was asked for.
 */
export function decodeOpenAICompletionsRequest(body: Record<string, unknown>, ctx: CodecContext): IrRequest {
  const ir: IrRequest = {
    model: typeof body.model === 'string' ? body.model : '',
    system: [],
    messages: [],
    stream: body.stream === true,
    prompt: { text: decodePrompt(body.prompt) },
  };
  const suffix = stringField(body, 'suffix');
  if (suffix !== undefined && suffix !== '') ir.prompt!.suffix = suffix;
  decodeOpenAISampling(body, ir);
  const user = stringField(body, 'user');
  if (user !== undefined) ir.user = user;
  if (ir.stream && asObject(body.stream_options)?.include_usage === true) ir.includeUsage = true;
  const n = numberField(body, 'n');
  if (n !== undefined && n > 1) ir.choices = n;
  const bestOf = numberField(body, 'best_of');
  if (bestOf !== undefined && bestOf > (n ?? 1)) {
    throw GatewayError.invalidRequest('best_of: choosing the best of several answers is not available through a translation', 'best_of');
  }
  const logprobs = numberField(body, 'logprobs');
  if (logprobs !== undefined && body.logprobs !== null) ir.logprobs = { top: logprobs };
  if (body.echo === true) throw GatewayError.invalidRequest('echo: echoing the prompt is not available through a translation', 'echo');
  for (const key of Object.keys(body)) {
    if (!HANDLED.has(key) && body[key] !== undefined && body[key] !== null) ctx.dropped(key);
  }
  return ir;
}
