import { registerDecorator, type ValidationOptions } from 'class-validator';
import { FORBIDDEN_PROFILE_KEYS, LIMITABLE_KEYS, PROFILE_KEY_TYPES } from './profile-vocabulary.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function define(name: string, check: (value: unknown) => string | null, options?: ValidationOptions) {
  return (target: object, propertyName: string) => {
    let lastError = '';
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { ...options, message: () => lastError },
      validator: {
        validate(value: unknown) {
          const error = check(value);
          if (error) lastError = error;
          return error === null;
        },
      },
    });
  };
}

export function IsStringArray(options?: ValidationOptions) {
  return define(
    'isStringArray',
    (v) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? null : 'must be a list of strings'),
    options,
  );
}

/** `server.workers`: "auto" or a whole number of processes, at least 1. */
export function IsWorkers(options?: ValidationOptions) {
  return define(
    'isWorkers',
    (v) =>
      v === 'auto' || (Number.isInteger(v) && (v as number) >= 1)
        ? null
        : `must be "auto" or a whole number of worker processes, at least 1 (got ${JSON.stringify(v)})`,
    options,
  );
}

export function IsStringRecord(options?: ValidationOptions) {
  return define(
    'isStringRecord',
    (v) =>
      isPlainObject(v) && Object.values(v).every((s) => typeof s === 'string') ? null : 'must be a map of header names to string values',
    options,
  );
}

function checkVocabularyValue(key: string, value: unknown): string | null {
  const kind = PROFILE_KEY_TYPES[key as keyof typeof PROFILE_KEY_TYPES];
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `${key} must be a number`;
    case 'integer':
      return Number.isInteger(value) ? null : `${key} must be a whole number`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${key} must be true or false`;
    case 'stop':
      return typeof value === 'string' || (Array.isArray(value) && value.every((s) => typeof s === 'string'))
        ? null
        : `${key} must be a string or a list of strings`;
    default:
      return null;
  }
}

/** A profile map: no forbidden keys; vocabulary keys typed; `null` only where allowed (clamp). */
export function IsProfile(opts: { allowNull: boolean }, options?: ValidationOptions) {
  return define(
    'isProfile',
    (v) => {
      if (!isPlainObject(v)) return 'must be a map of request fields';
      for (const [key, value] of Object.entries(v)) {
        if ((FORBIDDEN_PROFILE_KEYS as readonly string[]).includes(key)) {
          return `must not set "${key}": ${FORBIDDEN_PROFILE_KEYS.join(', ')} belong to the caller`;
        }
        if (value === null) {
          if (!opts.allowNull) return `${key}: null is only meaningful in clamp (where it removes the field)`;
          continue;
        }
        const err = checkVocabularyValue(key, value);
        if (err) return err;
      }
      return null;
    },
    options,
  );
}

/** `limits`: numeric vocabulary keys mapped to `{ min?, max? }`. */
export function IsLimits(options?: ValidationOptions) {
  return define(
    'isLimits',
    (v) => {
      if (!isPlainObject(v)) return 'must be a map of field names to { min, max }';
      for (const [key, bound] of Object.entries(v)) {
        if (!(LIMITABLE_KEYS as readonly string[]).includes(key)) {
          return `cannot limit "${key}" (limitable: ${LIMITABLE_KEYS.join(', ')})`;
        }
        if (!isPlainObject(bound)) return `${key} must be { min, max }`;
        for (const [bk, bv] of Object.entries(bound)) {
          if (bk !== 'min' && bk !== 'max') return `${key}.${bk} is not a bound (use min or max)`;
          if (typeof bv !== 'number' || !Number.isFinite(bv)) return `${key}.${bk} must be a number`;
        }
        if (typeof bound.min === 'number' && typeof bound.max === 'number' && bound.min > bound.max) {
          return `${key}.min must not exceed ${key}.max`;
        }
      }
      return null;
    },
    options,
  );
}
