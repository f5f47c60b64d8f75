import {
  GatewayError,
  readBody,
  UpstreamClient,
  type BackendContext,
  type ModelInfo,
  type Protocol,
  type ProviderAdapter,
  type UpstreamCall,
  type UpstreamReply,
  type WireProtocol,
} from '@switchyard/plugin-sdk';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { BedrockBackendConfig } from './bedrock-backend-config.js';
import { AWS_BEDROCK_CONVERSE } from './bedrock-converse-codec.js';
import { BedrockCredentials } from './bedrock-credentials.js';
import { normaliseBedrockErrorReply } from './bedrock-error-reply.js';
import { bedrockErrorType } from './map-bedrock-error.js';
import { listBedrockModels } from './list-bedrock-models.js';
import { bedrockConverseUrl, bedrockCountTokensUrl, bedrockRuntimeBase } from './bedrock-urls.js';
import { decodeBedrockCountTokensReply, encodeBedrockCountTokens } from './count-bedrock-tokens.js';
import { AWS_EVENT_STREAM } from './frame-bedrock-event-stream.js';
import { shapeBedrockBody } from './shape-bedrock-body.js';
import { signBedrockRequest } from './sign-bedrock-request.js';

/** Every chat ingress is translated to Converse (no client speaks it). */
const WIRE: Partial<Record<Protocol, WireProtocol>> = {
  'openai.chat': AWS_BEDROCK_CONVERSE,
  'anthropic.messages': AWS_BEDROCK_CONVERSE,
  'openai.responses': AWS_BEDROCK_CONVERSE,
};

/**
 * An AWS Bedrock backend: Converse / ConverseStream over the gateway's upstream client (its
 * pool, timeouts, TLS and proxy settings), each request signed with SigV4 from the AWS
 * credential chain. Model ids, inference-profile ids and ARNs pass as given (in the URL path).
 * Bedrock's error replies are mapped to the statuses the kernel retries and reports on.
 */
export class BedrockAdapter implements ProviderAdapter {
  readonly backendId: string;
  private readonly client: UpstreamClient;
  private readonly credentials: BedrockCredentials;
  private readonly runtimeBase: string;
  private readonly extraHeaders: Record<string, string> = {};

  constructor(
    private readonly config: BedrockBackendConfig,
    private readonly ctx: BackendContext,
  ) {
    this.backendId = config.id;
    this.client = new UpstreamClient(config.id, config);
    this.credentials = new BedrockCredentials(config.id, config.profile, ctx.redactor);
    this.runtimeBase = bedrockRuntimeBase(config.region, config.base_url);
    for (const [k, v] of Object.entries(config.headers ?? {})) this.extraHeaders[k.toLowerCase()] = v;
    if (config.api_key) {
      ctx.logger.warn(
        { backend: config.id },
        `backend ${config.id}: api_key is not used by type aws-bedrock (requests are signed with AWS credentials)`,
      );
    }
  }

  /** Converse for every chat endpoint. */
  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    return WIRE[ingress] ?? null;
  }

  /** /v1/messages/count_tokens, translated to Converse by the kernel, is answered by Bedrock's CountTokens. */
  translatesOperation(operation: string, wire: WireProtocol): boolean {
    return operation === 'count_tokens' && wire === AWS_BEDROCK_CONVERSE;
  }

  async send(call: UpstreamCall): Promise<UpstreamReply> {
    const countTokens = call.operation === 'count_tokens';
    if (!countTokens && call.operation !== undefined)
      throw GatewayError.unsupportedOperation(`backend ${this.backendId} (type aws-bedrock) cannot serve ${call.operation}`);
    if (call.protocol !== AWS_BEDROCK_CONVERSE) throw new Error(`the aws-bedrock plugin does not speak ${call.protocol}`);
    const url = countTokens
      ? bedrockCountTokensUrl(this.runtimeBase, call.model)
      : bedrockConverseUrl(this.runtimeBase, call.model, call.stream);
    const body = JSON.stringify(
      countTokens ? encodeBedrockCountTokens(call.body) : shapeBedrockBody(call.body, this.config.default_max_tokens),
    );
    let identity = await this.credentials.get(call.signal);
    let reply = await this.post(url, body, identity, call);
    if (reply.status === 403 && bedrockErrorType(reply.headers['x-amzn-errortype'], undefined) === 'ExpiredTokenException') {
      // Expired for Bedrock though not for the SDK (a revoked session, a skewed clock): new credentials, one retry.
      await readBody(reply.body, 64 * 1024).catch(() => '');
      identity = await this.credentials.refreshed(identity, call.signal);
      reply = await this.post(url, body, identity, call);
    }
    if (reply.status < 400) return countTokens ? decodeBedrockCountTokensReply(reply) : reply;
    return normaliseBedrockErrorReply(reply, { backendId: this.backendId, model: call.model, redactor: this.ctx.redactor });
  }

  /** The models the backend's `models` globs admit, from the control plane; else its literal names. */
  listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    return listBedrockModels(
      {
        config: this.config,
        client: this.client,
        sign: async (req, signal) => signBedrockRequest(this.config.region, await this.credentials.get(signal), req),
        logger: this.ctx.logger,
        redactor: this.ctx.redactor,
      },
      signal,
    );
  }

  /** One signed POST with `identity`. */
  private async post(url: string, body: string, identity: AwsCredentialIdentity, call: UpstreamCall): Promise<UpstreamReply> {
    const signed = await signBedrockRequest(this.config.region, identity, {
      method: 'POST',
      url,
      headers: {
        ...this.extraHeaders,
        'content-type': 'application/json',
        accept: call.stream && call.operation === undefined ? AWS_EVENT_STREAM : 'application/json',
      },
      body,
    });
    return this.client.send({
      method: 'POST',
      url,
      headers: { ...signed, 'x-request-id': call.requestId, traceparent: call.traceparent },
      body,
      signal: call.signal,
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
