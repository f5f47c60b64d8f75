/**
 * `type: aws-bedrock` backend keys: `region` required (the error names the key), checked for
 * shape; `profile` optional, checked for shape; accepted as a built-in type.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig, ConfigError, PluginRegistry } from '@switchyard/kernel';
import bedrock from '@switchyard/plugin-bedrock';
import { parse } from 'yaml';

const build = (yaml: string) =>
  buildConfig(parse(yaml), { source: 'cfg.yaml', baseDir: '.', env: {}, registry: new PluginRegistry().register(bedrock) });

async function issues(yaml: string): Promise<string[]> {
  try {
    await build(yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.issues];
  }
  assert.fail('expected the configuration to be rejected');
}

test('a bedrock backend with region and profile is accepted', async () => {
  const config = await build(`
backends:
  - { id: br, type: aws-bedrock, region: us-east-1, profile: prod-bedrock, models: ["us.anthropic.claude-*"] }
`);
  assert.equal((config.config.backends[0] as unknown as { region: string }).region, 'us-east-1');
});

test('a bedrock backend without region is rejected naming the key', async () => {
  const lines = await issues(`
backends:
  - { id: br, type: aws-bedrock, models: ["*"] }
`);
  assert.ok(
    lines.some((l) => l.endsWith('backends[0].region: is required (must be a string)')),
    lines.join('\n'),
  );
});

test('a malformed region or profile is rejected naming the key', async () => {
  const lines = await issues(`
backends:
  - { id: br, type: aws-bedrock, region: "US East", profile: "a b" }
`);
  assert.ok(
    lines.some((l) => l.includes('backends[0].region') && l.includes('must be an AWS region')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.includes('backends[0].profile')),
    lines.join('\n'),
  );
});
