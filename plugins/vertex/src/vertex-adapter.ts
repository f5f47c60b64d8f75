import {
  buildUpstreamHeaders,
  GatewayError,
  mapJsonReply,
  UpstreamClient,
  type BackendContext,
  type ModelInfo,
  type Protocol,
  type ProviderAdapter,
  type UpstreamCall,
  type UpstreamReply,
  type WireProtocol,
} from '@switchyard/plugin-sdk';
import { countTokensFromGemini, geminiCountTokensBody } from './count-gemini-tokens.js';
import { decodeGoogleError } from './decode-google-error.js';
import { credentialsRejected, discard } from './google-error-reply.js';
import { GOOGLE_GENERATE_CONTENT } from './google-generate-content-codec.js';
import { shapeVertexClaudeBody, shapeVertexClaudeCountTokensBody } from './shape-vertex-claude-body.js';
import type { VertexBackendConfig } from './vertex-backend-config.js';
import { AdcCredentials, StaticCredentials, type AuthHeaders, type VertexCredentials } from './vertex-credentials.js';
import { vertexModelId, vertexPublisherOf } from './vertex-model-ids.js';
import { VERTEX_DEFAULT_LOCATION, vertexModelUrl } from './vertex-urls.js';
import { VERTEX_PREDICT_EMBEDDINGS } from './vertex-embeddings-codec.js';
import { sendVertexEmbeddingBatches, splitVertexEmbeddingsBody } from './batch-vertex-embeddings.js';
import { vertexEmbeddingBatchLimit } from './encode-vertex-embeddings-request.js';

/** Ingress protocols Claude on Vertex serves: all in the Anthropic Messages format (/v1/messages passes through). */
const CLAUDE_WIRE: Partial<Record<Protocol, WireProtocol>> = {
  'anthropic.messages': 'anthropic.messages',
  'openai.chat': 'anthropic.messages',
  'openai.responses': 'anthropic.messages',
};

/** Ingress protocols Gemini serves, translated to generateContent. */
const GEMINI_WIRE: Partial<Record<Protocol, WireProtocol>> = {
  'openai.chat': GOOGLE_GENERATE_CONTENT,
  'anthropic.messages': GOOGLE_GENERATE_CONTENT,
  'openai.responses': GOOGLE_GENERATE_CONTENT,
  // Google's text embedding models (gemini-embedding-001, text-embedding-005, …) through `:predict`.
  'openai.embeddings': VERTEX_PREDICT_EMBEDDINGS,
};

const GLOB = /[*?[\]{}]/;

interface Target {
  url: string;
  body: string;
}

/**
 * A Vertex AI backend. Gemini models (`gemini-*`, and any other name that is not Claude) are
 * reached through `generateContent` / `streamGenerateContent?alt=sse` with bodies the kernel
 * translates through the google.generate-content codec; Claude models (`claude-*`) through
 * `rawPredict` / `streamRawPredict` in the Anthropic Messages format (the anthropic.messages
 * codec, unchanged), reshaped for Vertex: the model in the URL, `anthropic_version` in the body.
 * Requests carry an OAuth token from Application Default Credentials; a 401 forces one token
 * refresh and one retry. `/v1/embeddings` for a Google model goes to its text embeddings
 * `:predict` (google.predict-embeddings codec).
 */
export class VertexAdapter implements ProviderAdapter {
  readonly backendId: string;
  private readonly client: UpstreamClient;
  private readonly credentials: VertexCredentials;
  private readonly location: string;
  private project: Promise<string> | null = null;
  private readonly quotaProjectConfigured: boolean;
  /** Vertex answers some errors in Google's shape whatever the model's protocol (a Claude model's quota 429 included). */
  readonly decodeError = decodeGoogleError;

  constructor(
    private readonly config: VertexBackendConfig,
    private readonly ctx: BackendContext,
  ) {
    this.backendId = config.id;
    this.client = new UpstreamClient(config.id, config);
    this.location = config.location ?? VERTEX_DEFAULT_LOCATION;
    this.quotaProjectConfigured = Object.keys(config.headers ?? {}).some((h) => h.toLowerCase() === 'x-goog-user-project');
    const authType = config.auth_type ?? 'adc';
    if (authType === 'adc' && config.api_key) {
      ctx.logger.warn(
        { backend: config.id },
        `backend ${config.id}: api_key is not used with auth_type adc (set auth_type: bearer to send it as a bearer token)`,
      );
    }
    this.credentials =
      authType === 'adc'
        ? new AdcCredentials(config.id, ctx.redactor)
        : new StaticCredentials(authType === 'bearer' ? config.api_key : undefined);
  }

  /** count_tokens for Gemini (Anthropic clients): Vertex's countTokens, answered as `{input_tokens}`. */
  translatesOperation(operation: string, wire: WireProtocol): boolean {
    return operation === 'count_tokens' && wire === GOOGLE_GENERATE_CONTENT;
  }

  wireProtocolFor(ingress: Protocol, model: string): WireProtocol | null {
    return (vertexPublisherOf(model) === 'anthropic' ? CLAUDE_WIRE : GEMINI_WIRE)[ingress] ?? null;
  }

  async send(call: UpstreamCall): Promise<UpstreamReply> {
    const target = this.target(call, await this.projectId(call.signal));
    const headers = buildUpstreamHeaders(call.clientHeaders, {
      auth: {},
      extra: this.config.headers,
      forwardClientAuth: this.config.forward_client_auth && this.config.auth_type === 'none',
      requestId: call.requestId,
      traceparent: call.traceparent,
      contentType: 'application/json',
    });
    // Which project pays is for the gateway's credentials (or its config) to say, never a client.
    if (!this.quotaProjectConfigured) delete headers['x-goog-user-project'];
    if (call.protocol === VERTEX_PREDICT_EMBEDDINGS) {
      // More texts than the model takes in one call (gemini-embedding-*: one): one call per batch, one reply.
      const batches = splitVertexEmbeddingsBody(call.body, vertexEmbeddingBatchLimit(call.model));
      if (batches.length > 1) {
        const post = (body: Record<string, unknown>) =>
          this.authorisedPost({ url: target.url, body: JSON.stringify(body) }, headers, call.signal);
        return sendVertexEmbeddingBatches(batches, post, this.backendId);
      }
    }
    const reply = await this.authorisedPost(target, headers, call.signal);
    if (call.operation === 'count_tokens' && call.protocol === GOOGLE_GENERATE_CONTENT) {
      return mapJsonReply(reply, this.backendId, countTokensFromGemini(this.backendId));
    }
    return reply;
  }

  /** The models named literally (no glob) in the backend's `models`; Vertex has no listing of publisher models to ask. */
  listModels(): Promise<ModelInfo[]> {
    const names = (this.config.models ?? []).filter((m) => !GLOB.test(m));
    return Promise.resolve(names.map((id) => ({ id, owned_by: vertexPublisherOf(id) })));
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** One POST with the credentials' token; a 401 refreshes the token and retries once; a 401 or 403 after that throws (502). */
  private async authorisedPost(target: Target, headers: Record<string, string>, signal: AbortSignal): Promise<UpstreamReply> {
    let auth = await this.credentials.headers(signal);
    let reply = await this.post(target, headers, auth, signal);
    if (reply.status === 401) {
      const fresh = await this.credentials.refreshed(auth, signal);
      if (fresh) {
        await discard(reply);
        auth = fresh;
        reply = await this.post(target, headers, auth, signal);
      }
    }
    if (reply.status === 401 || reply.status === 403) throw await credentialsRejected(reply, this.backendId, this.ctx.redactor);
    return reply;
  }

  private post(target: Target, headers: Record<string, string>, auth: AuthHeaders, signal: AbortSignal): Promise<UpstreamReply> {
    return this.client.send({ method: 'POST', url: target.url, headers: { ...headers, ...auth }, body: target.body, signal });
  }

  /** The configured project, else the one of the Application Default Credentials (looked up once). */
  private async projectId(signal: AbortSignal): Promise<string> {
    if (this.config.project) return this.config.project;
    this.project ??= this.credentials.projectId(signal).then((p) => {
      if (p) return p;
      throw new GatewayError({
        status: 500,
        kind: 'internal',
        code: 'backend_misconfigured',
        message: `backend ${this.backendId} (type gcp-vertex) has no project: set project: in its configuration (or --project / GOOGLE_CLOUD_PROJECT); the Application Default Credentials name none`,
      });
    });
    try {
      return await this.project;
    } catch (err) {
      this.project = null;
      throw err;
    }
  }

  private target(call: UpstreamCall, project: string): Target {
    const base = { project, location: this.location, baseUrl: this.config.base_url };
    const model = vertexModelId(call.model);
    if (call.protocol === VERTEX_PREDICT_EMBEDDINGS) {
      if (call.operation !== undefined)
        throw GatewayError.unsupportedOperation(
          `backend ${this.backendId} (type gcp-vertex) cannot serve ${call.operation} for embeddings`,
        );
      return { url: vertexModelUrl({ ...base, publisher: 'google', model, method: 'predict' }), body: JSON.stringify(call.body) };
    }
    if (call.protocol === GOOGLE_GENERATE_CONTENT) {
      if (call.operation === 'count_tokens') {
        return {
          url: vertexModelUrl({ ...base, publisher: 'google', model, method: 'countTokens' }),
          body: JSON.stringify(geminiCountTokensBody(call.body)),
        };
      }
      if (call.operation !== undefined)
        throw GatewayError.unsupportedOperation(`backend ${this.backendId} (type gcp-vertex) cannot serve ${call.operation} for Gemini`);
      return {
        url: vertexModelUrl({
          ...base,
          publisher: 'google',
          model,
          method: call.stream ? 'streamGenerateContent' : 'generateContent',
          ...(call.stream ? { query: 'alt=sse' } : {}),
        }),
        body: JSON.stringify(call.body),
      };
    }
    if (call.protocol !== 'anthropic.messages') throw new Error(`the gcp-vertex plugin does not speak ${call.protocol}`);
    if (vertexPublisherOf(call.model) !== 'anthropic') {
      throw GatewayError.unsupportedOperation(
        `backend ${this.backendId} (type gcp-vertex) serves the Anthropic Messages format for claude-* models only`,
      );
    }
    // Vertex takes no query string on rawPredict (`?beta=true` from Anthropic clients is left out).
    if (call.operation === 'count_tokens') {
      return {
        url: vertexModelUrl({ ...base, publisher: 'anthropic', model: 'count-tokens', method: 'rawPredict' }),
        body: JSON.stringify(shapeVertexClaudeCountTokensBody(call.body, model)),
      };
    }
    if (call.operation !== undefined)
      throw GatewayError.unsupportedOperation(`backend ${this.backendId} (type gcp-vertex) cannot serve ${call.operation}`);
    return {
      url: vertexModelUrl({ ...base, publisher: 'anthropic', model, method: call.stream ? 'streamRawPredict' : 'rawPredict' }),
      body: JSON.stringify(shapeVertexClaudeBody(call.body, this.config.default_max_tokens)),
    };
  }
}
