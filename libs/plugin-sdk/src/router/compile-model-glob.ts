/**
 * Compiles a model glob: `*` matches any run of characters, `/` included; `?` one character;
 * everything else literally; case-sensitive.
 */
export function compileModelGlob(glob: string): (model: string) => boolean {
  if (!/[*?]/.test(glob)) return (model) => model === glob;
  if (glob === '*') return () => true;
  const source = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, 's');
  return (model) => re.test(model);
}

export function isLiteralGlob(glob: string): boolean {
  return !/[*?]/.test(glob);
}
