import { BackendConfig } from '@switchyard/plugin-sdk';
import { DEFAULT_MAX_TOKENS_DESCRIPTION, DefaultMaxTokensKey } from '@switchyard/plugin-anthropic';
import { IsOptional, IsString, IsUrl, Matches } from 'class-validator';

/**
 * `type: aws-bedrock` backend keys: BackendConfig's (`base_url` as the runtime endpoint override,
 * `models`, `timeout_seconds`, …) plus the AWS region (required: it is in the endpoint's host and
 * in every request's signature), an optional shared-config `profile` for the credentials, and the control plane's
 * endpoint override for the model list, and the max_tokens default.
 */
export class BedrockBackendConfig extends BackendConfig {
  static readonly keyDescriptions = {
    region: 'Required: the AWS region of the Bedrock endpoint (bedrock-runtime.<region>.amazonaws.com), e.g. us-east-1.',
    profile: 'A profile of ~/.aws/config or ~/.aws/credentials (else AWS_PROFILE, else the default credential chain).',
    control_plane_url:
      'Replaces https://bedrock.<region>.amazonaws.com, where GET /v1/models lists foundation models and inference profiles.',
    default_max_tokens: `maxTokens: ${DEFAULT_MAX_TOKENS_DESCRIPTION}`,
  };

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

  /** maxTokens sent when neither the request nor a profile sets it. */
  @DefaultMaxTokensKey()
  default_max_tokens?: number = undefined;
}
