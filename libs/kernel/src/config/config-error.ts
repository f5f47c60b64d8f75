/**
 * An invalid configuration. `message` is the full text, one problem per line, each
 * `<file>: <key.path>: <what was expected>`; `issues` holds the same lines.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly string[];

  constructor(issues: string | readonly string[]) {
    const list = typeof issues === 'string' ? [issues] : [...issues];
    super(list.join('\n'));
    this.issues = list;
  }
}

/** A command-line mistake (unknown flag, a flag without its companion): print usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
