import type { CodecContext } from '@switchyard/plugin-sdk';

/** A client tool as the client declared it, behind the (possibly flattened) name sent upstream. */
export interface ResponsesClientTool {
  /** The tool's own name (without its namespace). */
  name: string;
  /** The `namespace` tool group it came from, if any. */
  namespace?: string;
  /** `custom` tools take one free-form string: upstream they are a function with one `input` argument. */
  kind: 'function' | 'custom';
}

/**
 * The request fields a Response object echoes (as the client sent them, or their defaults), in
 * the order they follow the object's own fields; `user`, `safety_identifier` and
 * `prompt_cache_key` only when the client sent them.
 */
export interface ResponsesEcho {
  instructions: unknown;
  tools: unknown;
  tool_choice: unknown;
  parallel_tool_calls: unknown;
  temperature: unknown;
  top_p: unknown;
  max_output_tokens: unknown;
  reasoning: unknown;
  text: unknown;
  metadata: unknown;
  truncation: unknown;
  user?: string;
  safety_identifier?: string;
  prompt_cache_key?: string;
}

/**
 * What the client side of the codec learns from a /v1/responses request and needs again for the
 * reply: which upstream tool names stand for custom or namespaced tools, and the request fields a
 * Response object echoes. Kept per request on the request's CodecContext (the kernel hands the
 * same context to the decoder and to the encoders of one translation).
 */
export interface ResponsesRequestState {
  /** Upstream tool name → the client's tool. */
  tools: Map<string, ResponsesClientTool>;
  /** Request fields echoed in the Response object; null without a decoded request (the defaults, nothing more). */
  echo: ResponsesEcho | null;
  /**
   * The client did not send `store: false`: it may later refer to this response's items by id
   * only (`item_reference`), so streamed items are sealed into the next tool call's id.
   */
  keepsItems?: boolean;
}

/**
 * The state's key on the context: a property of the context (a symbol only this module knows), not
 * a WeakMap keyed by it. Every request made a WeakMap entry, and WeakMap.set cost ~0.7 µs
 * (issue #19, the Responses lane).
 */
const STATE = Symbol('openai.responses request state');
type WithState = CodecContext & { [STATE]?: ResponsesRequestState };

export function rememberRequestState(ctx: CodecContext, state: ResponsesRequestState): void {
  (ctx as WithState)[STATE] = state;
}

/** The request's state; an empty one when the encoder runs without a decoded request (tests, other callers). */
export function requestStateOf(ctx: CodecContext): ResponsesRequestState {
  return (ctx as WithState)[STATE] ?? { tools: new Map(), echo: null };
}

/** Separator of a namespace and a tool name in the flattened name sent upstream (`crm__get_contact`). */
export const NAMESPACE_SEPARATOR = '__';

/**
 * The namespace of plain function tools in OpenAI's models' own tool format (`functions.exec`).
 * Codex groups its built-in tools under it (`exec`, `wait`), and their descriptions name them
 * bare: they keep their own names upstream, the namespace is still restored on the calls.
 */
export const DEFAULT_TOOL_NAMESPACE = 'functions';

export function flattenToolName(name: string, namespace: string | undefined): string {
  return namespace && namespace !== DEFAULT_TOOL_NAMESPACE ? `${namespace}${NAMESPACE_SEPARATOR}${name}` : name;
}
