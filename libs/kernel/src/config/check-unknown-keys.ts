import { knownKeysOf, nestedClassOf, scalarKindOf } from './class-introspection.js';
import type { ConfigIssues } from './config-issues.js';
import { isPlainObject } from './is-plain-object.js';
import type { PathSegment } from './key-path.js';
import { unknownKeyMessage } from './suggest-nearest-key.js';

type Ctor = abstract new (...args: never[]) => unknown;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `port: ${PORT:-4000}` yields the string "4000"; where the schema wants a number or a boolean,
 * a substituted value that spells one is converted. Literal strings are left alone.
 */
function coerce(cls: Ctor, obj: Record<string, unknown>, key: string, interpolated: WeakMap<object, Set<PathSegment>>): void {
  const value = obj[key];
  if (typeof value !== 'string' || !interpolated.get(obj)?.has(key)) return;
  const kind = scalarKindOf(cls, key);
  const text = value.trim();
  if (kind === 'number' && NUMBER.test(text)) obj[key] = Number(text);
  else if (kind === 'boolean' && (text === 'true' || text === 'false')) obj[key] = text === 'true';
}

/**
 * Report keys a config class does not declare (naming the nearest valid one) at any depth of
 * its nested sections, and coerce substituted scalars. Free-form maps (properties without a
 * nested class: headers, defaults, clamp, limits, options) are not descended into.
 */
export function checkUnknownKeys(
  cls: Ctor,
  obj: Record<string, unknown>,
  path: PathSegment[],
  issues: ConfigIssues,
  interpolated: WeakMap<object, Set<PathSegment>>,
  skip: readonly string[] = [],
): void {
  const known = knownKeysOf(cls);
  for (const key of Object.keys(obj)) {
    if (skip.includes(key)) continue;
    if (!known.includes(key)) {
      issues.add([...path, key], unknownKeyMessage(key, known));
      continue;
    }
    coerce(cls, obj, key, interpolated);
    const nested = nestedClassOf(cls, key);
    if (!nested) continue;
    const value = obj[key];
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (isPlainObject(item)) checkUnknownKeys(nested, item, [...path, key, i], issues, interpolated);
      });
    } else if (isPlainObject(value)) {
      checkUnknownKeys(nested, value, [...path, key], issues, interpolated);
    }
  }
}
