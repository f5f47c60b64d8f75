/**
 * A backend `models` glob as a RegExp: `*` matches any run of characters (`/` included), `?`
 * one character; everything else is literal and case-sensitive.
 */
export function modelGlobToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export function matchesModelGlob(glob: string, model: string): boolean {
  return modelGlobToRegExp(glob).test(model);
}
