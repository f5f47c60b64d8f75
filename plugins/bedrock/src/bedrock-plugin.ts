import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { BedrockAdapter } from './bedrock-adapter.js';
import { BedrockBackendConfig } from './bedrock-backend-config.js';
import { bedrockConverseCodec } from './bedrock-converse-codec.js';

/**
 * `type: aws-bedrock`: AWS Bedrock through Converse / ConverseStream, requests signed with SigV4
 * from the AWS credential chain. Every client protocol is translated through the IR with the
 * aws.bedrock-converse codec this package contributes.
 */
export const plugin: ProviderPlugin<BedrockBackendConfig> = {
  type: 'aws-bedrock',
  configClass: BedrockBackendConfig,
  nativeProtocols: [],
  codecs: [bedrockConverseCodec],
  providerName: 'aws.bedrock',
  authTypes: ['none'],
  createAdapter: (config, ctx) => new BedrockAdapter(config, ctx),
};
