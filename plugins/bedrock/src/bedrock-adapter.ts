import {
  GatewayError,
  UpstreamClient,
  type BackendContext,
  type ModelInfo,
  type Protocol,
  type ProviderAdapter,
  type UpstreamCall,
  type UpstreamReply,
  type WireProtocol,
} from '@switchyard/kernel';
import type { SignatureV4 } from '@smithy/signature-v4';
import type { BedrockBackendConfig } from './bedrock-backend-config.js';
import { AWS_BEDROCK_CONVERSE } from './bedrock-converse-codec.js';
import { BedrockCredentials } from './bedrock-credentials.js';
import { normaliseBedrockErrorReply } from './bedrock-error-reply.js';
import { listBedrockModels } from './list-bedrock-models.js';
import { bedrockConverseUrl, bedrockRuntimeBase } from './bedrock-urls.js';
import { AWS_EVENT_STREAM } from './frame-bedrock-event-stream.js';
import { shapeBedrockBody } from './shape-bedrock-body.js';
import { createBedrockSigner, signBedrockRequest } from './sign-bedrock-request.js';

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
  private readonly signer: SignatureV4;
  private readonly runtimeBase: string;
  private readonly extraHeaders: Record<string, string> = {};

  constructor(
    private readonly config: BedrockBackendConfig,
    private readonly ctx: BackendContext,
  ) {
    this.backendId = config.id;
    this.client = new UpstreamClient(config.id, config);
    this.credentials = new BedrockCredentials(config.id, config.profile, ctx.redactor);
    this.signer = createBedrockSigner(config.region, this.credentials.identity);
    this.runtimeBase = bedrockRuntimeBase(config.region, config.base_url);
    for (const [k, v] of Object.entries(config.headers ?? {})) this.extraHeaders[k.toLowerCase()] = v;
    if (config.api_key) {
      ctx.logger.warn(
        { backend: config.id },
        `backend ${config.id}: api_key is not used by type aws-bedrock (requests are signed with AWS credentials)`,
      );
    }
  }

  wireProtocolFor(ingress: Protocol): WireProtocol | null {
    return WIRE[ingress] ?? null;
  }

  async send(call: UpstreamCall): Promise<UpstreamReply> {
    if (call.protocol !== AWS_BEDROCK_CONVERSE) throw new Error(`the aws-bedrock plugin does not speak ${call.protocol}`);
    if (call.operation !== undefined)
      throw GatewayError.unsupportedOperation(`backend ${this.backendId} (type aws-bedrock) cannot serve ${call.operation}`);
    const url = bedrockConverseUrl(this.runtimeBase, call.model, call.stream);
    const body = JSON.stringify(shapeBedrockBody(call.body, this.config.default_max_tokens));
    await this.credentials.get(call.signal);
    const signed = await signBedrockRequest(this.signer, {
      method: 'POST',
      url,
      headers: { ...this.extraHeaders, 'content-type': 'application/json', accept: call.stream ? AWS_EVENT_STREAM : 'application/json' },
      body,
    });
    const reply = await this.client.send({
      method: 'POST',
      url,
      headers: { ...signed, 'x-request-id': call.requestId, traceparent: call.traceparent },
      body,
      signal: call.signal,
    });
    if (reply.status < 400) return reply;
    return normaliseBedrockErrorReply(reply, { backendId: this.backendId, model: call.model, redactor: this.ctx.redactor });
  }

  /** The models the backend's `models` globs admit, from the control plane; else its literal names. */
  listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    return listBedrockModels(
      { config: this.config, client: this.client, signer: this.signer, logger: this.ctx.logger, redactor: this.ctx.redactor },
      signal,
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
