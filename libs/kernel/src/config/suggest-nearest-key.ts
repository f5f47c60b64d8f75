import { closest, distance } from 'fastest-levenshtein';

const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The valid key a mistyped one most likely meant (`base_ulr` → `base_url`, `baseUrl` →
 * `base_url`), or undefined when none is close enough to be a plausible typo.
 */
export function suggestNearestKey(key: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const same = candidates.find((c) => squash(c) === squash(key));
  if (same) return same;
  const best = closest(
    key.toLowerCase(),
    candidates.map((c) => c.toLowerCase()),
  );
  const match = candidates.find((c) => c.toLowerCase() === best);
  if (match === undefined) return undefined;
  const allowed = Math.max(2, Math.ceil(key.length * 0.34));
  return distance(key.toLowerCase(), best) <= allowed ? match : undefined;
}

/** `unknown key; did you mean "base_url"?`, or the list of valid keys when nothing is close. */
export function unknownKeyMessage(key: string, candidates: readonly string[]): string {
  const near = suggestNearestKey(key, candidates);
  if (near !== undefined) return `unknown key; did you mean "${near}"?`;
  return `unknown key; expected one of: ${[...candidates].sort().join(', ')}`;
}
