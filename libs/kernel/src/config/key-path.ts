/** One step into the configuration tree: a map key or a list index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `['backends', 0, 'api_key']` → `backends[0].api_key`; odd keys are quoted: `headers["x.y"]`. */
export function formatKeyPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * How paths are shown to the user. Normalisation moves things (a map-form backend becomes a
 * list entry, dropped empty API keys shift indices); a label maps the normalised prefix back
 * to what the user wrote (`backends[0]` → `backends.local`).
 */
export class PathLabels {
  private readonly labels = new Map<string, string>();

  set(prefix: readonly PathSegment[], display: string): void {
    this.labels.set(formatKeyPath(prefix), display);
  }

  format(path: readonly PathSegment[]): string {
    for (let n = path.length; n > 0; n--) {
      const label = this.labels.get(formatKeyPath(path.slice(0, n)));
      if (label === undefined) continue;
      const rest = formatKeyPath(path.slice(n));
      if (rest === '') return label;
      return rest.startsWith('[') ? label + rest : `${label}.${rest}`;
    }
    return formatKeyPath(path);
  }
}
