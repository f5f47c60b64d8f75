import { cloneJson, deepEqual, isPlainObject, ownField as own, put, type JsonObject } from '@switchyard/plugin-sdk';

/**
 * `defaults` under the caller's object: the caller's fields win, a caller's `null` counts as not set (the
 * default applies), fields only the default has are added. Objects merge deeply. Returns `caller` itself when
 * nothing was added (so unchanged objects are never copied).
 */
export function mergeUnder(defaults: JsonObject, caller: JsonObject): JsonObject {
  let out: JsonObject | undefined;
  for (const [key, callerValue] of Object.entries(caller)) {
    const defaultValue = own(defaults, key);
    if (defaultValue === undefined || defaultValue === null) continue;
    if (callerValue === null) {
      out ??= { ...caller };
      put(out, key, cloneProfileValue(defaultValue));
    } else if (isPlainObject(callerValue) && isPlainObject(defaultValue)) {
      const merged = mergeUnder(defaultValue, callerValue);
      if (merged !== callerValue) {
        out ??= { ...caller };
        put(out, key, merged);
      }
    }
  }
  for (const [key, defaultValue] of Object.entries(defaults)) {
    if (defaultValue === null || defaultValue === undefined || Object.hasOwn(caller, key)) continue;
    out ??= { ...caller };
    put(out, key, cloneProfileValue(defaultValue));
  }
  return out ?? caller;
}

/**
 * `clamp` over the current object: the clamp's fields win, a `null` in the clamp removes the field, objects
 * merge deeply. Returns `current` itself when nothing changed.
 */
export function mergeOver(current: JsonObject, clamp: JsonObject): JsonObject {
  let out: JsonObject | undefined;
  for (const [key, clampValue] of Object.entries(clamp)) {
    const currentValue = own(current, key);
    if (clampValue === null) {
      if (Object.hasOwn(current, key)) {
        out ??= { ...current };
        delete out[key];
      }
    } else if (isPlainObject(clampValue) && isPlainObject(currentValue)) {
      const merged = mergeOver(currentValue, clampValue);
      if (merged !== currentValue) {
        out ??= { ...current };
        put(out, key, merged);
      }
    } else if (!deepEqual(currentValue, clampValue)) {
      out ??= { ...current };
      put(out, key, cloneProfileValue(clampValue));
    }
  }
  return out ?? current;
}

/** A profile value as sent: a copy, without the fields its nested `null`s remove (or leave unset). */
export function cloneProfileValue<T>(value: T): T {
  if (!isPlainObject(value)) return cloneJson(value);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) put(out, k, cloneProfileValue(v));
  return out as T;
}
