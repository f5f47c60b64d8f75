import { BackendConfig } from '@switchyard/kernel';
import { IsOptional, IsString, IsUrl, Matches } from 'class-validator';

/**
 * `type: aws-bedrock` backend keys: BackendConfig's (`base_url` as the runtime endpoint override,
 * `models`, `timeout_seconds`, …) plus the AWS region (required: it is in the endpoint's host and
 * in every request's signature), an optional shared-config `profile` for the credentials, and the control plane's
 * endpoint override for the model list.
 */
export class BedrockBackendConfig extends BackendConfig {
  @IsString({ message: 'required for type aws-bedrock: the AWS region of the Bedrock endpoint, such as us-east-1' })
  @Matches(/^[a-z]{2}(?:-[a-z]+)+-\d+$/, { message: 'must be an AWS region such as us-east-1 or eu-central-1' })
  region!: string;

  /** A profile of the AWS shared config / credentials files (else AWS_PROFILE, else the default chain). */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.@+=,-]+$/, { message: 'must be the name of a profile in the AWS config or credentials file' })
  profile?: string = undefined;

  /** Replaces `https://bedrock.<region>.amazonaws.com`, the control plane asked for the model list. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  control_plane_url?: string = undefined;
}
