import type { AwsCredentialIdentity } from '@smithy/types';
import { loadAwsModules } from './aws-modules.js';

/** The SigV4 signing name of both Bedrock endpoints (bedrock-runtime and the control plane). */
export const BEDROCK_SIGNING_NAME = 'bedrock';

export interface UnsignedRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Headers to sign (lower-case names); `host` is added from the URL. */
  headers: Record<string, string>;
  body?: string;
}

/**
 * The request's headers with SigV4's added (`authorization`, `x-amz-date`, `x-amz-content-sha256`,
 * and `x-amz-security-token` for temporary credentials), signed with `credentials` for `region` by
 * the AWS SDK's SignatureV4 (SHA-256 from @aws-crypto); `host` is signed and left out of the
 * result (the HTTP client sends the same host itself).
 */
export async function signBedrockRequest(
  region: string,
  credentials: AwsCredentialIdentity,
  req: UnsignedRequest,
): Promise<Record<string, string>> {
  const { SignatureV4, Sha256, HttpRequest } = await loadAwsModules();
  const signer = new SignatureV4({ service: BEDROCK_SIGNING_NAME, region, credentials, sha256: Sha256 });
  const url = new URL(req.url);
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, key) => (query[key] = value));
  const request = new HttpRequest({
    method: req.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers: { ...req.headers, host: url.host },
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  const signed = await signer.sign(request, { signingDate: new Date() });
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers as Record<string, string>))
    if (name.toLowerCase() !== 'host') out[name.toLowerCase()] = value;
  return out;
}
