const MIN_SECRET_LENGTH = 4;
const REPLACEMENT = '[REDACTED]';

/**
 * A credential in a URL's query string: `key`, `api_key` and its spellings, OAuth's
 * `access_token`, signatures. The parameter name stays; its value is redacted.
 */
const QUERY_SECRET =
  /([?&](?:key|api[_-]?key|apikey|x-api-key|access[_-]?token|id[_-]?token|token|auth|password|client[_-]?secret|secret|sig|signature)=)[^&#\s"'<>]+/gi;

/** `text` (a URL, a log message) with the values of credential query parameters redacted. */
export function redactQuerySecrets(text: string): string {
  return text.includes('=') ? text.replace(QUERY_SECRET, `$1${REPLACEMENT}`) : text;
}

/** Bearer tokens and well-known key shapes, redacted even when not configured here. */
const KEY_PATTERNS: RegExp[] = [
  QUERY_SECRET,
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
  /\b(sk-(?:ant-|proj-)?)[A-Za-z0-9_-]{8,}/g,
  /\b(AIza)[A-Za-z0-9_-]{20,}/g,
  /\b(ya29\.)[A-Za-z0-9._-]{10,}/g,
  /\b(hf_)[A-Za-z0-9]{10,}/g,
];

/**
 * Replaces every configured secret (backend keys, inbound keys, resolved `${ENV}` / `${file:}`
 * values in secret positions) and well-known key shapes with `[REDACTED]`.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;
  private probe: RegExp | null = null;

  add(secret: string | undefined | null): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.pattern = null;
    this.probe = null;
  }

  get size(): number {
    return this.secrets.size;
  }

  /** True when the text contains a configured secret (tests and self-checks). */
  contains(text: string): boolean {
    for (const s of this.secrets) if (text.includes(s)) return true;
    return false;
  }

  /**
   * Redacts header values in place (an upstream echoing a key in `x-ratelimit-*` or any header it
   * passes on). One regex test over all values; each value is rewritten only when that finds one.
   */
  redactHeaders(headers: Record<string, string | string[] | undefined>): void {
    let all = '';
    for (const name in headers) {
      const v = headers[name];
      if (v !== undefined) all += (typeof v === 'string' ? v : v.join('\n')) + '\n';
    }
    if (!this.mayContain(all)) return;
    for (const name in headers) {
      const v = headers[name];
      if (v !== undefined) headers[name] = typeof v === 'string' ? this.redact(v) : v.map((x) => this.redact(x));
    }
  }

  /** Whether `text` may hold something redact() would replace (one regex test). */
  private mayContain(text: string): boolean {
    this.probe ??= new RegExp(
      [...[...this.secrets].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), ...KEY_PATTERNS.map((re) => re.source)].join('|'),
      'i',
    );
    return this.probe.test(text);
  }

  redact(text: string): string {
    let out = text;
    if (this.secrets.size > 0) {
      this.pattern ??= new RegExp(
        [...this.secrets]
          .sort((a, b) => b.length - a.length)
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('|'),
        'g',
      );
      out = out.replace(this.pattern, REPLACEMENT);
    }
    for (const re of KEY_PATTERNS) out = out.replace(re, `$1${REPLACEMENT}`);
    return out;
  }
}
