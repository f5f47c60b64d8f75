import {
  asArray,
  asObject,
  asString,
  listAdmittedModels,
  readBody,
  type KernelLogger,
  type ModelInfo,
  type SecretRedactor,
  type UpstreamClient,
} from '@switchyard/plugin-sdk';
import type { BedrockBackendConfig } from './bedrock-backend-config.js';
import { bedrockControlPlaneBase } from './bedrock-urls.js';
import type { UnsignedRequest } from './sign-bedrock-request.js';

/** Pages of ListInferenceProfiles read at most (1000 profiles each). */
const MAX_PROFILE_PAGES = 10;

export interface BedrockModelSource {
  config: BedrockBackendConfig;
  client: UpstreamClient;
  /** The SigV4 headers for a request (with the backend's current credentials). */
  sign(req: UnsignedRequest, signal: AbortSignal): Promise<Record<string, string>>;
  logger: KernelLogger;
  redactor: SecretRedactor;
}

/** One signed GET on the control plane, as JSON; throws naming the path and status on a non-2xx. */
async function getSigned(src: BedrockModelSource, url: string, signal: AbortSignal): Promise<Record<string, unknown>> {
  const headers = await src.sign({ method: 'GET', url, headers: { accept: 'application/json' } }, signal);
  const reply = await src.client.send({ method: 'GET', url, headers, signal });
  const text = await readBody(reply.body, 16 * 1024 * 1024);
  if (reply.status >= 400) throw new Error(`GET ${new URL(url).pathname} answered ${reply.status}: ${text.slice(0, 300)}`);
  return asObject(JSON.parse(text)) ?? {};
}

/**
 * ListFoundationModels (text output, on-demand) and ListInferenceProfiles (every page) on the
 * control plane: the ids of the active ones, with their provider.
 */
async function controlPlaneModels(src: BedrockModelSource, signal: AbortSignal): Promise<ModelInfo[]> {
  const base = bedrockControlPlaneBase(src.config.region, src.config.control_plane_url).replace(/\/+$/, '');
  const out: ModelInfo[] = [];
  const foundation = await getSigned(src, `${base}/foundation-models?byInferenceType=ON_DEMAND&byOutputModality=TEXT`, signal);
  for (const m of asArray(foundation.modelSummaries) ?? []) {
    const s = asObject(m);
    const id = asString(s?.modelId);
    if (!id || (asString(asObject(s?.modelLifecycle)?.status) ?? 'ACTIVE') !== 'ACTIVE') continue;
    out.push({ id, owned_by: asString(s?.providerName) ?? 'aws-bedrock' });
  }
  let token: string | undefined;
  for (let page = 0; page < MAX_PROFILE_PAGES; page++) {
    const query = `maxResults=1000${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`;
    const profiles = await getSigned(src, `${base}/inference-profiles?${query}`, signal);
    for (const p of asArray(profiles.inferenceProfileSummaries) ?? []) {
      const s = asObject(p);
      const id = asString(s?.inferenceProfileId);
      if (id && (asString(s?.status) ?? 'ACTIVE') === 'ACTIVE') out.push({ id, owned_by: 'aws-bedrock' });
    }
    token = asString(profiles.nextToken);
    if (!token) break;
  }
  return out;
}

/**
 * The models a backend lists on GET /v1/models: those of the control plane (foundation models and
 * inference profiles) that its `models` globs admit, plus its literal names. Without
 * `control_plane_url` on a backend whose `base_url` is overridden, the control plane (the real AWS
 * host) is not asked; nor when it fails: then the literal names alone, and a warning.
 */
export function listBedrockModels(src: BedrockModelSource, signal: AbortSignal): Promise<ModelInfo[]> {
  const asksControlPlane = !src.config.base_url || src.config.control_plane_url;
  return listAdmittedModels(
    {
      backendId: src.config.id,
      patterns: src.config.models ?? [],
      owner: 'aws-bedrock',
      what: 'Bedrock models',
      logger: src.logger,
      redactor: src.redactor,
      ...(asksControlPlane ? { fetchListed: (s: AbortSignal) => controlPlaneModels(src, s) } : {}),
    },
    signal,
  );
}
