import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';

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
 * A SigV4 signer (the AWS SDK's SignatureV4 with SHA-256 from @aws-crypto) for one request's
 * credentials: the adapter knows which credentials signed it (to refresh them if Bedrock says
 * they expired).
 */
export function createBedrockSigner(region: string, credentials: AwsCredentialIdentity): SignatureV4 {
  return new SignatureV4({ service: BEDROCK_SIGNING_NAME, region, credentials, sha256: Sha256 });
}

/**
 * The request's headers with SigV4's added (`authorization`, `x-amz-date`, `x-amz-content-sha256`,
 * and `x-amz-security-token` for temporary credentials); `host` is signed and left out of the
 * result (the HTTP client sends the same host itself).
 */
export async function signBedrockRequest(signer: SignatureV4, req: UnsignedRequest): Promise<Record<string, string>> {
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
