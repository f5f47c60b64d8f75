/** One input to embed: a text, or token ids where the client protocol takes them (a target may refuse those). */
export type IrEmbeddingInput = { type: 'text'; text: string } | { type: 'tokens'; tokens: number[] };

/** An embeddings request in the kernel's vocabulary: what every embeddings protocol decodes to. */
export interface IrEmbeddingRequest {
  /** The real model the backend is asked for (after routing). */
  model: string;
  /** The inputs in order; the reply has one vector per input, in the same order. */
  inputs: IrEmbeddingInput[];
  /** The number of dimensions asked for (the vectors are shortened by the model where it can). */
  dimensions?: number;
  /**
   * How the client wants the vectors written: numbers, or base64 of little-endian float32s
   * (the client encoder's concern: backends answer numbers).
   */
  encodingFormat?: 'float' | 'base64';
  /** Caller metadata (the `user` field). */
  user?: string;
}

/** An embeddings reply in the kernel's vocabulary. */
export interface IrEmbeddingResponse {
  /** One vector per input, in the inputs' order. */
  vectors: number[][];
  /** Input tokens counted by the backend, where it says. */
  usage?: { inputTokens: number };
}
