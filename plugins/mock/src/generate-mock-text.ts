/**
 * The mock's output text: a fixed word sequence, one word = one token. Token `i` is word
 * `i % MOCK_WORDS.length`, with a leading space except for the very first token, so the
 * concatenation of `n` tokens is `n` whitespace-separated words.
 */
export const MOCK_WORDS: readonly string[] = (
  'This is a deterministic reply from the Switchyard mock backend. It produces one word per token, ' +
  'always in the same order, so that tests can predict every byte and benchmarks can count tokens ' +
  'exactly. Nothing here comes from a model: the text repeats after these sixty-four words, which is ' +
  'long enough to look like prose in a demo and yet short enough to precompute.'
).split(' ');

const FIRST_TOKEN_JSON = JSON.stringify(MOCK_WORDS[0]);
/** JSON string literals (quotes included) of ` word` for every vocabulary entry. */
const SPACED_TOKEN_JSON: readonly string[] = MOCK_WORDS.map((w) => JSON.stringify(' ' + w));

/** The text of token `i` (0-based). */
export function mockToken(i: number): string {
  const word = MOCK_WORDS[i % MOCK_WORDS.length]!;
  return i === 0 ? word : ' ' + word;
}

/** Token `i` as a JSON string literal, quotes included (precomputed, no allocation). */
export function mockTokenJson(i: number): string {
  return i === 0 ? FIRST_TOKEN_JSON : SPACED_TOKEN_JSON[i % SPACED_TOKEN_JSON.length]!;
}

const textCache = new Map<number, string>();
const jsonCache = new Map<number, string>();
const CACHE_LIMIT = 256;

function remember(cache: Map<number, string>, n: number, value: string): string {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(n, value);
  return value;
}

/** The first `n` tokens concatenated (cached per `n`). */
export function mockText(n: number): string {
  const hit = textCache.get(n);
  if (hit !== undefined) return hit;
  let text = '';
  for (let i = 0; i < n; i++) text += mockToken(i);
  return remember(textCache, n, text);
}

/** `mockText(n)` as a JSON string literal (cached per `n`). */
export function mockTextJson(n: number): string {
  const hit = jsonCache.get(n);
  if (hit !== undefined) return hit;
  return remember(jsonCache, n, JSON.stringify(mockText(n)));
}

/** Whitespace-separated words in `text`, counted without allocating. */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 0xa0;
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      words++;
    }
  }
  return words;
}

/**
 * A deterministic "token" count of request text: words of strings, words of `text` parts in
 * content arrays, and one per number in token arrays (completions and embeddings accept those).
 */
export function countTextTokens(value: unknown): number {
  if (typeof value === 'string') return countWords(value);
  if (typeof value === 'number') return 1;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += countTextTokens(item);
    return total;
  }
  if (typeof value === 'object' && value !== null) {
    const part = value as { type?: unknown; text?: unknown };
    if (typeof part.text === 'string') return countWords(part.text);
  }
  return 0;
}

/** Prompt tokens of a chat request: the words of every message's content. */
export function countChatPromptTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let total = 0;
  for (const m of messages) {
    if (typeof m === 'object' && m !== null) total += countTextTokens((m as { content?: unknown }).content);
  }
  return total;
}
