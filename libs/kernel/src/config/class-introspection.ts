import 'reflect-metadata';
import { createRequire } from 'node:module';
import { getMetadataStorage } from 'class-validator';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage.js';

type Ctor = abstract new (...args: never[]) => unknown;
/** What the metadata libraries call a class (their `Function` parameters). */
type MetadataTarget = Parameters<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[0];

const require = createRequire(import.meta.url);
/** class-transformer keeps `@Type` targets here (the same instance `import 'class-transformer'` uses). */
export const transformerMetadata = (require('class-transformer/cjs/storage.js') as { defaultMetadataStorage: TransformerStorage })
  .defaultMetadataStorage;

const keyCache = new WeakMap<Ctor, string[]>();

/** The keys a config class accepts: every property with a class-validator decorator, inherited ones too. */
export function knownKeysOf(cls: Ctor): string[] {
  let keys = keyCache.get(cls);
  if (!keys) {
    const metas = getMetadataStorage().getTargetValidationMetadatas(cls as unknown as MetadataTarget, '', true, false);
    keys = [...new Set(metas.map((m) => m.propertyName))];
    keyCache.set(cls, keys);
  }
  return keys;
}

/** The class a property holds (from `@Type(() => X)`), for properties that are nested sections. */
export function nestedClassOf(cls: Ctor, key: string): Ctor | undefined {
  const meta = transformerMetadata.findTypeMetadata(cls as unknown as MetadataTarget, key);
  const t = meta?.typeFunction();
  return typeof t === 'function' ? (t as Ctor) : undefined;
}

const defaultsCache = new WeakMap<Ctor, Record<string, unknown>>();

/** A fresh instance of a config class: its property initialisers are the defaults. */
export function defaultsOf(cls: Ctor): Record<string, unknown> {
  let d = defaultsCache.get(cls);
  if (!d) {
    d = new (cls as unknown as new () => Record<string, unknown>)();
    defaultsCache.set(cls, d);
  }
  return d;
}

/** Whether a property holds a number, a boolean or something else (from its default or declared type). */
export function scalarKindOf(cls: Ctor, key: string): 'number' | 'boolean' | undefined {
  const def = defaultsOf(cls)[key];
  if (typeof def === 'number') return 'number';
  if (typeof def === 'boolean') return 'boolean';
  const declared: unknown = Reflect.getMetadata('design:type', (cls as unknown as { prototype: object }).prototype, key);
  if (declared === Number) return 'number';
  if (declared === Boolean) return 'boolean';
  return undefined;
}
