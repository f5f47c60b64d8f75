import { ConfigError } from './config-error.js';
import { formatKeyPath, PathLabels, type PathSegment } from './key-path.js';
import { SecretRedactor } from '@switchyard/plugin-sdk';

/** One problem found in a configuration, before it is formatted for the user. */
export interface ConfigIssue {
  path: PathSegment[];
  message: string;
  /** The path as shown, when it was fixed before normalisation moved things. */
  display?: string;
}

/**
 * Collects every problem of one configuration so they are all reported at once. A path
 * that already failed (an unresolved `${VAR}`) is blocked: later checks of the same value
 * would only repeat the cause in other words.
 */
export class ConfigIssues {
  readonly labels = new PathLabels();
  private readonly list: ConfigIssue[] = [];
  private readonly blocked = new Set<string>();

  constructor(readonly source: string) {}

  add(path: readonly PathSegment[], message: string): void {
    const key = formatKeyPath(path);
    for (const b of this.blocked) if (key === b || key.startsWith(b + '.') || key.startsWith(b + '[')) return;
    if (this.list.some((i) => i.message === message && formatKeyPath(i.path) === key)) return;
    this.list.push({ path: [...path], message });
  }

  /** An issue at a path as the user wrote it (labels are not applied). */
  addVerbatim(path: readonly PathSegment[], message: string): void {
    this.list.push({ path: [...path], message, display: formatKeyPath(path) });
  }

  /** Suppress any later issue at this path or below it (its cause is already reported). */
  block(path: readonly PathSegment[]): void {
    this.blocked.add(formatKeyPath(path));
  }

  get size(): number {
    return this.list.length;
  }

  /** The formatted lines, `<source>: <path>: <message>`, with any known secret redacted. */
  lines(secrets: readonly string[] = []): string[] {
    const redactor = new SecretRedactor();
    for (const s of secrets) redactor.add(s);
    return this.list.map((issue) => {
      const shown = issue.display ?? this.labels.format(issue.path);
      const where = shown !== '' ? `${shown}: ` : '';
      return redactor.redact(`${this.source}: ${where}${issue.message}`);
    });
  }

  throwIfAny(secrets: readonly string[] = []): void {
    if (this.list.length > 0) throw new ConfigError(this.lines(secrets));
  }
}
