import { countTextTokens } from './generate-mock-text.js';

/** FNV-1a over the UTF-16 code units of `text`. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A deterministic unit-length vector for `input`: a mulberry32 sequence seeded with the
 * input's hash, normalised, stored as float32 (so JSON floats and base64 bytes agree exactly).
 */
export function mockEmbedding(input: string, dimensions: number): Float32Array {
  let state = fnv1a(input) || 1;
  const raw = new Float64Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const v = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
    raw[i] = v;
    norm += v * v;
  }
  const out = new Float32Array(dimensions);
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dimensions; i++) out[i] = raw[i]! * scale;
  if (norm === 0 && dimensions > 0) out[0] = 1;
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The float32 bytes of a vector (little-endian) in base64, as OpenAI's `encoding_format: base64`. */
export function embeddingToBase64(vector: Float32Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
  const copy = Buffer.alloc(vector.byteLength);
  for (let i = 0; i < vector.length; i++) copy.writeFloatLE(vector[i]!, i * 4);
  return copy.toString('base64');
}

export type MockEmbeddingsResult = { ok: true; body: string } | { ok: false; param: string; message: string };

function inputsOf(input: unknown): string[] | null {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((x) => typeof x === 'string')) return input as string[];
  if (input.every((x) => typeof x === 'number')) return [input.join(',')];
  if (input.every((x) => Array.isArray(x) && x.every((y) => typeof y === 'number'))) {
    return (input as number[][]).map((x) => x.join(','));
  }
  return null;
}

/**
 * A `list` of `embedding` objects for an OpenAI embeddings request: one per input (string,
 * list of strings, token array or list of token arrays), `dimensions` honoured, float or base64.
 */
export function encodeMockEmbeddingsResponse(
  body: Record<string, unknown>,
  modelJson: string,
  defaultDimensions: number,
): MockEmbeddingsResult {
  const inputs = inputsOf(body.input);
  if (!inputs) {
    return {
      ok: false,
      param: 'input',
      message: "'input' must be a non-empty string, array of strings, array of tokens or array of token arrays",
    };
  }
  let dimensions = defaultDimensions;
  if (body.dimensions !== undefined && body.dimensions !== null) {
    const d = body.dimensions;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 65_536) {
      return { ok: false, param: 'dimensions', message: "'dimensions' must be a whole number between 1 and 65536" };
    }
    dimensions = d;
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return { ok: false, param: 'encoding_format', message: "'encoding_format' must be 'float' or 'base64'" };
  }
  const promptTokens = countTextTokens(body.input);
  let data = '';
  for (let i = 0; i < inputs.length; i++) {
    const vector = mockEmbedding(inputs[i]!, dimensions);
    const encoded = format === 'base64' ? '"' + embeddingToBase64(vector) + '"' : '[' + vector.join(',') + ']';
    data += (i ? ',' : '') + '{"object":"embedding","index":' + i + ',"embedding":' + encoded + '}';
  }
  return {
    ok: true,
    body:
      '{"object":"list","data":[' +
      data +
      '],"model":' +
      modelJson +
      ',"usage":{"prompt_tokens":' +
      promptTokens +
      ',"total_tokens":' +
      promptTokens +
      '}}',
  };
}
