import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  GatewayError,
  isGatewayError,
  type CatalogEntry,
  type ErrorEnvelope,
  type GatewayPipeline,
  type GatewayReply,
  type IncomingHeaders,
  type KernelLogger,
  type ModelCatalog,
  type Protocol,
  type RuntimeHolder,
  type SwitchyardConfig,
} from '@switchyard/kernel';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsStreaming,
  Completion,
  CompletionCreateParams,
  CompletionCreateParamsBase,
  CompletionCreateParamsStreaming,
  CreateEmbeddingResponse,
  EmbeddingCreateParams,
  Message,
  MessageCreateParams,
  MessageCreateParamsBase,
  MessageCreateParamsStreaming,
  MessageStreamEvent,
  ModelEntry,
  ModelList,
  Response,
  ResponseCreateParams,
  ResponseCreateParamsBase,
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
} from './sdk-types.js';
import { abortError, SwitchyardError } from './switchyard-error.js';
import { SwitchyardStream } from './switchyard-stream.js';

/** Per-call options of the in-process API. */
export interface SwitchyardRequestOptions {
  /** Cancels the call: before the answer, the call rejects; mid-stream, the iteration throws. The upstream request is cut either way. */
  signal?: AbortSignal;
  /** Headers as an HTTP client would send them (`anthropic-beta`, `traceparent`, …; names are lower-cased). */
  headers?: Record<string, string | string[] | undefined>;
  /** The request id (journal `request_id`, logs, the upstream's `x-request-id`); default a new UUID. */
  requestId?: string;
  /** How the journal names the caller (`client_key_id`). */
  clientKeyId?: string;
  /** A query string without `?`, passed to a native backend (`beta=true`). */
  query?: string;
}

/** A body plus whatever the protocol takes. */
type Body = Record<string, unknown>;

export interface ChatCompletionsApi {
  create(body: ChatCompletionCreateParams, options?: SwitchyardRequestOptions): Promise<ChatCompletion>;
  create(body: ChatCompletionCreateParamsStreaming, options?: SwitchyardRequestOptions): Promise<SwitchyardStream<ChatCompletionChunk>>;
  /** `stream` known only at run time. */
  create(
    body: ChatCompletionCreateParamsBase,
    options?: SwitchyardRequestOptions,
  ): Promise<ChatCompletion | SwitchyardStream<ChatCompletionChunk>>;
}

export interface CompletionsApi {
  create(body: CompletionCreateParams, options?: SwitchyardRequestOptions): Promise<Completion>;
  create(body: CompletionCreateParamsStreaming, options?: SwitchyardRequestOptions): Promise<SwitchyardStream<Completion>>;
  /** `stream` known only at run time. */
  create(body: CompletionCreateParamsBase, options?: SwitchyardRequestOptions): Promise<Completion | SwitchyardStream<Completion>>;
}

export interface EmbeddingsApi {
  create(body: EmbeddingCreateParams, options?: SwitchyardRequestOptions): Promise<CreateEmbeddingResponse>;
}

export interface ResponsesApi {
  create(body: ResponseCreateParams, options?: SwitchyardRequestOptions): Promise<Response>;
  create(body: ResponseCreateParamsStreaming, options?: SwitchyardRequestOptions): Promise<SwitchyardStream<ResponseStreamEvent>>;
  /** `stream` known only at run time. */
  create(body: ResponseCreateParamsBase, options?: SwitchyardRequestOptions): Promise<Response | SwitchyardStream<ResponseStreamEvent>>;
}

export interface MessagesApi {
  create(body: MessageCreateParams, options?: SwitchyardRequestOptions): Promise<Message>;
  create(body: MessageCreateParamsStreaming, options?: SwitchyardRequestOptions): Promise<SwitchyardStream<MessageStreamEvent>>;
  /** `stream` known only at run time. */
  create(body: MessageCreateParamsBase, options?: SwitchyardRequestOptions): Promise<Message | SwitchyardStream<MessageStreamEvent>>;
}

export interface ModelsApi {
  /**
   * Every routable model, as GET /v1/models lists it: virtual models first, then the models the
   * backends reported (fetched in the background). `refresh: true` asks the backends first.
   */
  list(options?: { refresh?: boolean }): Promise<ModelList>;
}

function modelEntry(e: CatalogEntry): ModelEntry {
  const m: ModelEntry = { id: e.id, object: 'model', created: e.created, owned_by: e.owned_by };
  if (e.context_length !== undefined) m.context_length = e.context_length;
  return m;
}

function lowerCaseHeaders(headers: SwitchyardRequestOptions['headers']): IncomingHeaders {
  const out: IncomingHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * Switchyard in-process: the gateway's request pipeline (routing, virtual models and their
 * profiles, translation between protocols, metrics, the journal) called without HTTP. Methods
 * mirror the official SDKs: `chat.completions.create`, `completions.create`,
 * `embeddings.create`, `responses.create`, `messages.create`, `models.list`. A body with
 * `stream: true` resolves to a SwitchyardStream (an async iterable of parsed events); any other
 * to the parsed JSON answer. Failures reject with a SwitchyardError (status and the protocol's
 * error body); an AbortSignal in the options cancels the upstream request.
 */
export class Switchyard implements AsyncDisposable {
  readonly chat: { readonly completions: ChatCompletionsApi };
  readonly completions: CompletionsApi;
  readonly embeddings: EmbeddingsApi;
  readonly responses: ResponsesApi;
  readonly messages: MessagesApi;
  readonly models: ModelsApi;
  private closer: (() => Promise<void>) | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    /** The kernel pipeline the calls go through (also usable directly: `pipeline.handle(request)`). */
    readonly pipeline: GatewayPipeline,
    private readonly catalog: ModelCatalog,
    private readonly runtimes: RuntimeHolder,
    private readonly logger: KernelLogger,
  ) {
    const api = <R>(protocol: Protocol) => ({
      create: (body: Body, options?: SwitchyardRequestOptions) => this.call(protocol, body, options) as Promise<R>,
    });
    this.chat = { completions: api('openai.chat') as ChatCompletionsApi };
    this.completions = api('openai.completions') as CompletionsApi;
    this.embeddings = api('openai.embeddings') as EmbeddingsApi;
    this.responses = api('openai.responses') as ResponsesApi;
    this.messages = api('anthropic.messages') as MessagesApi;
    this.models = {
      list: async (options) => {
        if (options?.refresh) await this.catalog.refresh();
        return { object: 'list', data: this.catalog.list().map(modelEntry) };
      },
    };
  }

  /** The configuration in force (validated, defaults filled in). */
  get config(): SwitchyardConfig {
    return this.runtimes.current().config;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.pipeline.inFlight;
  }

  /**
   * One request in `protocol` through the pipeline, answered with the raw reply (status,
   * headers, the body's bytes or byte stream): for programs that forward bytes as they are.
   * Rejects with a SwitchyardError like the typed methods.
   */
  async request(protocol: Protocol, body: Body, options: SwitchyardRequestOptions = {}): Promise<GatewayReply> {
    const requestId = options.requestId ?? randomUUID();
    const signal = options.signal ?? new AbortController().signal;
    try {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw GatewayError.invalidRequest('the request body must be a JSON object');
      }
      if (signal.aborted) throw abortError(signal);
      return await this.pipeline.handle({
        protocol,
        body,
        // What an HTTP client would have sent: passthrough sends these bytes; the journal counts them.
        rawBody: Buffer.from(JSON.stringify(body)),
        headers: lowerCaseHeaders(options.headers),
        query: options.query,
        requestId,
        clientKeyId: options.clientKeyId ?? null,
        signal,
        logger: this.logger.child({ requestId }),
      });
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      if (isGatewayError(err)) throw SwitchyardError.fromGatewayError(err, protocol, requestId, this.errorEnvelope(protocol));
      throw err;
    }
  }

  private async call(protocol: Protocol, body: Body, options: SwitchyardRequestOptions = {}): Promise<unknown> {
    const requestId = options.requestId ?? randomUUID();
    const reply = await this.request(protocol, body, { ...options, requestId });
    const wantsStream = body.stream === true;
    if (wantsStream && reply.stream) return new SwitchyardStream(reply, protocol, requestId, options.signal);
    let bytes: Buffer;
    try {
      bytes = Buffer.isBuffer(reply.body) ? reply.body : await collect(reply.body);
    } catch (err) {
      if (options.signal?.aborted) throw abortError(options.signal);
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (wantsStream || parsed === undefined) {
      const message = wantsStream
        ? 'the backend answered a streamed request with a complete body'
        : 'the backend answered with a body that is not JSON';
      throw SwitchyardError.fromGatewayError(
        GatewayError.badGateway(message, 'upstream_malformed'),
        protocol,
        requestId,
        this.errorEnvelope(protocol),
      );
    }
    return parsed;
  }

  /** The error envelope of a client protocol, from its codec. */
  private errorEnvelope(protocol: Protocol): ErrorEnvelope | undefined {
    return this.runtimes.current().registry.codec(protocol)?.errorEnvelope;
  }

  /** Set by createSwitchyard: closing the in-process gateway closes its Nest application context. */
  bindClose(closer: () => Promise<void>): void {
    this.closer = closer;
  }

  /**
   * Stops background checks, closes the backends' connection pools, flushes the journal and the
   * metrics exporters. Inside a host Nest app (SwitchyardModule) the app's own `close()` does this
   * and this method does nothing.
   */
  close(): Promise<void> {
    this.closing ??= this.closer ? this.closer() : Promise.resolve();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
