import { isObject, num, str, type Json } from './gemini-json.js';

/** One `$.a.b[0]['c']` JSON path as keys and indexes; null when it cannot be read. */
export function parseGeminiJsonPath(path: string): Array<string | number> | null {
  if (!path.startsWith('$')) return null;
  const out: Array<string | number> = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) return null;
      out.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = path.slice(i);
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[(['"])((?:\\.|(?!\1).)*)\1\]/.exec(rest);
      if (index) {
        out.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        out.push(quoted[2]!.replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else return null;
    } else return null;
  }
  return out;
}

/**
 * Applies one streamed `functionCall.partialArgs` entry to the arguments being assembled: the
 * value at `jsonPath` is set (a string continued by `willContinue` chunks is appended to),
 * creating objects and arrays on the way. Returns false when the entry cannot be applied.
 */
export function applyGeminiPartialArg(args: Json, partial: Json): boolean {
  const path = parseGeminiJsonPath(str(partial.jsonPath) ?? '');
  if (!path || path.length === 0) return false;
  let node: Json | unknown[] = args;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    const holder = node as Record<string | number, unknown>;
    let child = holder[key];
    if (!(isObject(child) || Array.isArray(child))) {
      child = nextIsIndex ? [] : {};
      holder[key] = child;
    }
    node = child as Json | unknown[];
  }
  const last = path.at(-1)!;
  const holder = node as Record<string | number, unknown>;
  if (typeof partial.stringValue === 'string') {
    const current = holder[last];
    holder[last] = (typeof current === 'string' ? current : '') + partial.stringValue;
  } else if (num(partial.numberValue) !== undefined) holder[last] = partial.numberValue;
  else if (typeof partial.boolValue === 'boolean') holder[last] = partial.boolValue;
  else if (partial.nullValue !== undefined) holder[last] = null;
  else if (partial.structValue !== undefined) holder[last] = partial.structValue;
  else if (partial.listValue !== undefined) holder[last] = partial.listValue;
  else return false;
  return true;
}
