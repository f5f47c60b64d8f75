const MIN_SECRET_LENGTH = 4;
const REPLACEMENT = '[REDACTED]';

/** Bearer tokens and well-known key shapes, redacted even when not configured here. */
const KEY_PATTERNS: RegExp[] = [
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

  add(secret: string | undefined | null): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.pattern = null;
  }

  get size(): number {
    return this.secrets.size;
  }

  /** True when the text contains a configured secret (tests and self-checks). */
  contains(text: string): boolean {
    for (const s of this.secrets) if (text.includes(s)) return true;
    return false;
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
