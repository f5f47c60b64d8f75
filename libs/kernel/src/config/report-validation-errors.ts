import type { ValidationError } from 'class-validator';
import type { ConfigIssues } from './config-issues.js';
import type { PathSegment } from './key-path.js';

/** Plainer words for class-validator's stock messages (which never carry the value). */
const PLAIN: Record<string, string> = {
  isInt: 'must be a whole number',
  isNumber: 'must be a number',
  isBoolean: 'must be true or false',
  isString: 'must be a string',
  isUrl: 'must be an http:// or https:// URL (e.g. http://gpu-server:8000)',
  isArray: 'must be a list',
  isObject: 'must be a map',
  nestedValidation: 'must be a map of settings',
};

/** When one of these fails, range and format complaints about the same value are noise. */
const TYPE_CHECKS = new Set(['isInt', 'isNumber', 'isBoolean', 'isString', 'isArray', 'isObject', 'nestedValidation']);

function describe(error: ValidationError): string {
  const parts: string[] = [];
  const failed = Object.entries(error.constraints ?? {});
  const typeFailures = failed.filter(([name]) => TYPE_CHECKS.has(name));
  for (const [name, message] of typeFailures.length > 0 ? typeFailures : failed) {
    let text = PLAIN[name] ?? message;
    text = text.replace(new RegExp(`^${error.property.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+`), '');
    text = text.replace(`each value in ${error.property}`, 'every entry');
    if (!parts.includes(text)) parts.push(text);
  }
  const what = parts.join('; ');
  return error.value === undefined ? `is required (${what})` : what;
}

/** Add class-validator's errors (a tree) to `issues`, each at its full key path under `base`. */
export function reportValidationErrors(errors: readonly ValidationError[], base: readonly PathSegment[], issues: ConfigIssues): void {
  for (const error of errors) {
    const seg: PathSegment = Array.isArray(error.target) && /^\d+$/.test(error.property) ? Number(error.property) : error.property;
    const path = [...base, seg];
    if (error.constraints && Object.keys(error.constraints).length > 0) issues.add(path, describe(error));
    if (error.children?.length) reportValidationErrors(error.children, path, issues);
  }
}
