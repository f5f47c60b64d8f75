import { isPlainObject } from './is-plain-object.js';
import type { PathSegment } from './key-path.js';

/** Key names whose values are credentials wherever they appear (plugin options included). */
const SECRET_KEY = /^(api_?key|key|secret|client_secret|token|access_token|password|credentials?)$/i;

/**
 * Whether a value at `path` is a secret: any key named `api_key` or `key` (except `tls.key`,
 * a file path), anything under `headers`, and `server.api_keys` / `server.admin_keys` entries.
 */
export function isSecretPosition(path: readonly PathSegment[]): boolean {
  const last = path.at(-1);
  const parent = path.at(-2);
  if (path.slice(0, -1).includes('headers')) return true;
  if ((parent === 'api_keys' || parent === 'admin_keys') && typeof last === 'number') return true;
  if (typeof last === 'string' && SECRET_KEY.test(last)) return parent !== 'tls';
  return false;
}

/** Header names whose values are credentials even when written literally. */
const CREDENTIAL_HEADER = /auth|key|token|secret|cookie|password|credential|signature/i;

/**
 * Whether a literal value at `path` is a credential: like isSecretPosition, except that under
 * `headers` only credential-looking names count (a literal `X-Extra: value` is not a secret;
 * `${…}` values resolved into any header are, see interpolateConfigValues).
 */
export function isCredentialPosition(path: readonly PathSegment[]): boolean {
  const h = path.lastIndexOf('headers');
  if (h >= 0 && h < path.length - 1) return path.slice(h + 1).some((seg) => typeof seg === 'string' && CREDENTIAL_HEADER.test(seg));
  return isSecretPosition(path);
}

/** Every non-empty literal string in a credential position of the tree. */
export function collectSecrets(tree: unknown, path: PathSegment[] = [], out: string[] = []): string[] {
  if (typeof tree === 'string') {
    if (tree !== '' && isCredentialPosition(path)) out.push(tree);
  } else if (Array.isArray(tree)) {
    tree.forEach((item, i) => collectSecrets(item, [...path, i], out));
  } else if (isPlainObject(tree)) {
    for (const [k, v] of Object.entries(tree)) collectSecrets(v, [...path, k], out);
  }
  return out;
}
