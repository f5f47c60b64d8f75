import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '@switchyard/kernel';

// The parser lives in the gateway app (not exported by its package): load its build output.
type CliModule = typeof import('../../apps/gateway/src/cli/parse-cli-args.js');
const { parseCliArgs, usageText } = (await import(
  new URL('../../../apps/gateway/dist/cli/parse-cli-args.js', import.meta.url).href
)) as CliModule;

const usageError = (argv: string[], pattern: RegExp) =>
  assert.throws(
    () => parseCliArgs(argv),
    (err: unknown) => err instanceof UsageError && pattern.test(err.message),
  );

test('no arguments: nothing set', () => {
  assert.deepEqual(parseCliArgs([]), { check: false, watch: false, help: false, version: false, models: [] });
});

test('every flag', () => {
  const args = parseCliArgs([
    '--config',
    'c.yaml',
    '--listen',
    '127.0.0.1:8080',
    '--metrics-listen',
    '[::]:9100',
    '--log-level',
    'debug',
    '--check',
    '--watch',
    '--backend',
    'openai',
    '--base-url',
    'http://gpu:8000',
    '--project',
    'p',
    '--location',
    'l',
    '--model',
    'Qwen/*',
    '--model=llama-*',
  ]);
  assert.deepEqual(args, {
    config: 'c.yaml',
    listen: { host: '127.0.0.1', port: 8080 },
    metricsListen: { host: '::', port: 9100 },
    logLevel: 'debug',
    check: true,
    watch: true,
    help: false,
    version: false,
    backend: 'openai',
    baseUrl: 'http://gpu:8000',
    project: 'p',
    location: 'l',
    models: ['Qwen/*', 'llama-*'],
  });
  assert.equal(parseCliArgs(['-c', 'x.toml']).config, 'x.toml');
  assert.equal(parseCliArgs(['-h']).help, true);
  assert.equal(parseCliArgs(['--version']).version, true);
});

test('--listen forms: HOST:PORT, [IPv6]:PORT, :PORT, PORT', () => {
  assert.deepEqual(parseCliArgs(['--listen', '0.0.0.0:4000']).listen, { host: '0.0.0.0', port: 4000 });
  assert.deepEqual(parseCliArgs(['--listen', '[::1]:4000']).listen, { host: '::1', port: 4000 });
  assert.deepEqual(parseCliArgs(['--listen', ':4001']).listen, { port: 4001 });
  assert.deepEqual(parseCliArgs(['--listen=4002']).listen, { port: 4002 });
  usageError(['--listen', 'localhost'], /--listen expects HOST:PORT/);
  usageError(['--listen', 'host:70000'], /--listen expects HOST:PORT/);
  usageError(['--metrics-listen', '::1:9091'], /--metrics-listen expects HOST:PORT/);
});

test('unknown flags, positionals, missing values and bad levels are usage errors', () => {
  usageError(['--bogus'], /unknown option --bogus/);
  usageError(['config.yaml'], /unexpected argument "config\.yaml"/);
  usageError(['--config'], /--config/);
  usageError(['--config', ''], /--config needs a value/);
  usageError(['--log-level', 'loud'], /--log-level must be one of silent, error, warn, info, debug, trace/);
});

test('flags that would carry a secret are refused: secrets come from the environment', () => {
  for (const flag of ['--api-key', '--api-key=sk-123', '--backend-api-key', '--apikey', '--token', '--key', '--password=x']) {
    usageError([flag, 'value'], /secrets are never taken from flags .*SWITCHYARD_BACKEND_API_KEY/);
  }
  const text = (() => {
    try {
      parseCliArgs(['--api-key=sk-should-not-echo']);
    } catch (err) {
      return (err as Error).message;
    }
    return '';
  })();
  assert.ok(!text.includes('sk-should-not-echo'));
});

test('usageText lists every flag', () => {
  const text = usageText();
  for (const flag of [
    '--config',
    '--listen',
    '--metrics-listen',
    '--log-level',
    '--check',
    '--watch',
    '--backend',
    '--base-url',
    '--project',
    '--location',
    '--model',
    '--help',
    '--version',
  ]) {
    assert.ok(text.includes(flag), `usage misses ${flag}`);
  }
  assert.match(text, /SWITCHYARD_BACKEND_API_KEY/);
});
