import { parseArgs } from 'node:util';
import { parseHostPort, parseLogLevel, parseWorkers, UsageError, type CliArgs } from '@switchyard/kernel';

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  listen: { type: 'string' },
  'metrics-listen': { type: 'string' },
  'log-level': { type: 'string' },
  workers: { type: 'string' },
  check: { type: 'boolean' },
  watch: { type: 'boolean' },
  backend: { type: 'string' },
  'base-url': { type: 'string' },
  project: { type: 'string' },
  location: { type: 'string' },
  model: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Flags that look like they carry a credential: refused, since argv shows in `ps`. */
const SECRET_FLAG = /^--?[\w-]*(api[-_]?key|apikey|token|secret|password|passwd|credential)s?[\w-]*(=.*)?$|^--key(=.*)?$/i;

export function usageText(): string {
  return `Usage: switchyard [options]

Where the configuration comes from (first that applies):
  --config FILE, -c FILE   configuration file (.yaml, .yml, .toml, .json); or SWITCHYARD_CONFIG
  --backend TYPE           single-backend mode, no file (or SWITCHYARD_BACKEND):
                           openai | anthropic | gcp-vertex | openresponses | mock | <plugin type>
    --base-url URL         upstream URL (or SWITCHYARD_BASE_URL)
    --project P            gcp-vertex project (or GOOGLE_CLOUD_PROJECT)
    --location L           gcp-vertex location (or GOOGLE_CLOUD_LOCATION / VERTEX_LOCATION)
    --model GLOB           only serve model names matching GLOB (repeatable; default *)
                           the backend's API key comes from SWITCHYARD_BACKEND_API_KEY only
  ./config.yaml            in the working directory, if it exists
  (nothing)                demo mode: the built-in mock backend serves model "mock"

Overrides:
  --listen HOST:PORT          API address (default 0.0.0.0:4000; [::]:4000 for IPv6)
  --metrics-listen HOST:PORT  Prometheus metrics address (default 0.0.0.0:9091)
  --log-level LEVEL           silent | error | warn | info | debug | trace
  --workers auto|N            worker processes serving the port (default 1; auto = available cores)

  --check                  validate the configuration (including \${ENV} references) and exit 0 or 1
  --watch                  reload the configuration file when it changes
  --help, -h               show this help
  --version, -v            show the version

Commands:
  switchyard journal summary FILE...   per-model counts, error rates, TTFT, duration and tokens/s
                                       from request journal files (see docs/journal.md)
  switchyard healthcheck [options]     GET /healthz on the port (http or https) of the configuration
                                       the options above select; exit 0 if it answers 200, else 1
  switchyard usage [--url URL] [--json] per client key and model: requests, tokens, spend, limits
                                       and what is left (GET /admin/usage; SWITCHYARD_ADMIN_KEY),
                                       or --store FILE: the usage file, without the gateway

Secrets are read from the environment, never from flags: SWITCHYARD_API_KEY (inbound auth),
SWITCHYARD_BACKEND_API_KEY (single-backend mode), \${ENV} / \${file:path} in the config file.
See docs/configuration.md.
`;
}

function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      return `unknown option ${flag}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /'([^']+)'/.exec(message)?.[1] ?? '';
      return `unexpected argument "${arg}" (options start with --; the config file goes after --config)`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.replace(/^Option '([^']+)'/, '$1').replace(/ argument missing$/, ' needs a value');
    default:
      return message;
  }
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value`);
  return value;
}

/**
 * Parse `switchyard`'s command line (SPEC §1). Unknown flags, missing values and flags that
 * would carry a secret are UsageErrors; whether `--model` has its `--backend` is decided by
 * resolveConfig, since SWITCHYARD_BACKEND may supply it.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  for (const arg of argv) {
    if (arg === '--') break;
    if (SECRET_FLAG.test(arg)) {
      const flag = arg.split('=')[0];
      throw new UsageError(
        `${flag}: secrets are never taken from flags (they would show in ps); set SWITCHYARD_BACKEND_API_KEY for the backend, ` +
          'SWITCHYARD_API_KEY for inbound auth, or use ${ENV} / ${file:path} in the config file',
      );
    }
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(describeParseError(err));
  }
  const str = (name: keyof typeof OPTIONS): string | undefined => nonEmpty(values[name] as string | undefined, `--${name}`);

  const args: CliArgs = {
    check: values.check === true,
    watch: values.watch === true,
    help: values.help === true,
    version: values.version === true,
    models: ((values.model as string[] | undefined) ?? []).map((m) => nonEmpty(m, '--model')!),
  };
  const config = str('config');
  const listen = str('listen');
  const metricsListen = str('metrics-listen');
  const logLevel = str('log-level');
  const workers = str('workers');
  const backend = str('backend');
  const baseUrl = str('base-url');
  const project = str('project');
  const location = str('location');
  if (config !== undefined) args.config = config;
  if (listen !== undefined) args.listen = parseHostPort(listen, '--listen');
  if (metricsListen !== undefined) args.metricsListen = parseHostPort(metricsListen, '--metrics-listen');
  if (logLevel !== undefined) args.logLevel = parseLogLevel(logLevel);
  if (workers !== undefined) args.workers = parseWorkers(workers);
  if (backend !== undefined) args.backend = backend;
  if (baseUrl !== undefined) args.baseUrl = baseUrl;
  if (project !== undefined) args.project = project;
  if (location !== undefined) args.location = location;
  return args;
}
