/**
 * What the echo backend answers, as an OpenAI-compatible server would write it: a
 * `chat.completion` object, or `chat.completion.chunk` SSE events ending with `data: [DONE]`.
 */

export interface EchoAnswer {
  id: string;
  model: string;
  created: number;
  text: string;
  promptTokens: number;
}

/** The text of the last `user` message (string content, or the text parts of an array). */
export function lastUserText(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      return m.content
        .filter(
          (p): p is { type: 'text'; text: string } =>
            (p as { type?: unknown })?.type === 'text' && typeof (p as { text?: unknown }).text === 'string',
        )
        .map((p) => p.text)
        .join('');
    }
    return '';
  }
  return null;
}

/** A rough token count: words. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function usage(answer: EchoAnswer): Record<string, number> {
  const completion = countWords(answer.text);
  return { prompt_tokens: answer.promptTokens, completion_tokens: completion, total_tokens: answer.promptTokens + completion };
}

export function chatCompletion(answer: EchoAnswer): Record<string, unknown> {
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [{ index: 0, message: { role: 'assistant', content: answer.text }, logprobs: null, finish_reason: 'stop' }],
    usage: usage(answer),
  };
}

/** The answer split into word-sized pieces that keep their whitespace (joined, they are the text). */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

/** The SSE events of a streamed answer; the usage chunk only when the request asked for it. */
export function* chatChunkEvents(answer: EchoAnswer, includeUsage: boolean): Generator<string> {
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({
      id: answer.id,
      object: 'chat.completion.chunk',
      created: answer.created,
      model: answer.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    })}\n\n`;
  yield chunk({ role: 'assistant', content: '' }, null);
  for (const piece of pieces(answer.text)) yield chunk({ content: piece }, null);
  yield chunk({}, 'stop');
  if (includeUsage) {
    yield `data: ${JSON.stringify({ id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model, choices: [], usage: usage(answer) })}\n\n`;
  }
  yield 'data: [DONE]\n\n';
}
