import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigIssues } from './config-issues.js';
import type { PathSegment } from './key-path.js';
import { isSecretPosition } from './secret-positions.js';
import { describeFileError } from './describe-file-error.js';

export interface InterpolationContext {
  env: NodeJS.ProcessEnv;
  /** Directory `${file:relative/path}` is resolved against (the config file's). */
  baseDir: string;
}

export interface InterpolatedString {
  value: string;
  /** The substituted values, in order (what may need redacting). */
  substituted: string[];
  /** Problems, without any resolved value in them. */
  errors: string[];
}

const ENV_REF = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** Read a `${file:…}` secret, trimming one trailing newline. */
function readSecretFile(ref: string, ctx: InterpolationContext): { value?: string; error?: string } {
  const path = ref.trim();
  if (path === '') return { error: '${file:} needs a path, e.g. ${file:/run/secrets/api_key}' };
  const abs = resolve(ctx.baseDir, path);
  try {
    const text = readFileSync(abs, 'utf8');
    return { value: text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text };
  } catch (err) {
    const why = describeFileError(err);
    return { error: `\${file:${path}}: cannot read ${abs}: ${why}` };
  }
}

function resolveReference(expr: string, ctx: InterpolationContext): { value?: string; error?: string } {
  if (expr.startsWith('file:')) return readSecretFile(expr.slice(5), ctx);
  const m = ENV_REF.exec(expr);
  if (!m) {
    return {
      error: `invalid reference "\${${expr}}": expected \${NAME}, \${NAME:-default} or \${file:path} ("$\${" writes a literal "\${")`,
    };
  }
  const [, name, fallback] = m as unknown as [string, string, string | undefined];
  const value = ctx.env[name];
  if (fallback !== undefined) return { value: value === undefined || value === '' ? fallback : value };
  if (value === undefined) {
    return { error: `environment variable ${name} is not set (referenced as \${${name}}; set it, or write \${${name}:-default})` };
  }
  return { value };
}

/** Substitute every `${…}` in one string; `$${` is a literal `${`. */
export function interpolateString(text: string, ctx: InterpolationContext): InterpolatedString {
  const out: InterpolatedString = { value: '', substituted: [], errors: [] };
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out.value += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      if (end < 0) {
        out.errors.push('unterminated "${" (close it with "}", or write "$${" for a literal "${")');
        out.value += text.slice(i);
        break;
      }
      const r = resolveReference(text.slice(i + 2, end), ctx);
      if (r.error !== undefined) out.errors.push(r.error);
      else {
        out.value += r.value!;
        out.substituted.push(r.value!);
      }
      i = end + 1;
    } else {
      out.value += text[i++];
    }
  }
  return out;
}

export interface InterpolationResult {
  /** Values resolved into secret positions (for the SecretRedactor). */
  secrets: string[];
  /** Containers and keys whose string value came from a substitution (may be coerced to a number or boolean). */
  interpolated: WeakMap<object, Set<PathSegment>>;
}

/**
 * Resolve `${ENV}`, `${ENV:-default}` and `${file:path}` in every string scalar of the tree, in
 * place. Problems are added to `issues` at the value's key path; messages never carry a value.
 */
export function interpolateConfigValues(tree: unknown, ctx: InterpolationContext, issues: ConfigIssues): InterpolationResult {
  const result: InterpolationResult = { secrets: [], interpolated: new WeakMap() };
  const visit = (container: Record<string, unknown> | unknown[], key: PathSegment, path: PathSegment[]): void => {
    const value = (container as Record<PathSegment, unknown>)[key];
    if (typeof value === 'string') {
      if (!value.includes('${')) return;
      const r = interpolateString(value, ctx);
      (container as Record<PathSegment, unknown>)[key] = r.value;
      if (r.errors.length > 0) {
        for (const e of r.errors) issues.add(path, e);
        issues.block(path);
      }
      if (r.substituted.length > 0) {
        let keys = result.interpolated.get(container);
        if (!keys) result.interpolated.set(container, (keys = new Set()));
        keys.add(key);
      }
      if (isSecretPosition(path)) result.secrets.push(...r.substituted.filter((s) => s !== ''));
    } else if (Array.isArray(value)) {
      value.forEach((_, i) => visit(value, i, [...path, i]));
    } else if (typeof value === 'object' && value !== null) {
      for (const k of Object.keys(value)) visit(value as Record<string, unknown>, k, [...path, k]);
    }
  };
  const root = { root: tree };
  visit(root, 'root', []);
  return result;
}
