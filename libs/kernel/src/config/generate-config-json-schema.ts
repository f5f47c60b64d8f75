import 'reflect-metadata';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PluginRegistry } from '../plugin/plugin-registry.js';
import { AUTH_TYPES, BackendConfig } from '@switchyard/plugin-sdk';
import { FORBIDDEN_PROFILE_KEYS, LIMITABLE_KEYS, PROFILE_KEY_TYPES } from '@switchyard/plugin-sdk';
import { SwitchyardConfig } from './schema/switchyard-config.js';
import { RouteConfig } from '@switchyard/plugin-sdk';
import { defaultsOf, knownKeysOf, nestedClassOf, transformerMetadata } from './class-introspection.js';
import { CONFIG_KEY_DESCRIPTIONS } from './config-key-descriptions.js';

type Schema = Record<string, unknown>;
type Ctor = abstract new (...args: never[]) => unknown;

const REF = '#/definitions/';
const ref = (name: string): Schema => ({ $ref: REF + name });

const VOCABULARY_SCHEMA: Record<string, Schema> = {
  number: { type: 'number' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  stop: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
};

function profileSchema(allowNull: boolean): Schema {
  const properties: Record<string, Schema> = {};
  for (const [key, kind] of Object.entries(PROFILE_KEY_TYPES)) {
    const s = VOCABULARY_SCHEMA[kind]!;
    properties[key] = allowNull ? { anyOf: [s, { type: 'null' }] } : s;
  }
  return { type: 'object', properties, propertyNames: { not: { enum: [...FORBIDDEN_PROFILE_KEYS] } } };
}

/** Schemas for the custom decorators in schema/validators.ts, by their registered names. */
const CUSTOM_CONVERTERS = {
  isStringArray: { type: 'array', items: { type: 'string' } },
  isStringRecord: { type: 'object', additionalProperties: { type: 'string' } },
  isWorkers: { anyOf: [{ const: 'auto' }, { type: 'integer', minimum: 1 }] },
  isProfile: (meta: { propertyName: string }) => profileSchema(meta.propertyName === 'clamp'),
  isLimits: {
    type: 'object',
    propertyNames: { enum: [...LIMITABLE_KEYS] },
    additionalProperties: {
      type: 'object',
      properties: { min: { type: 'number' }, max: { type: 'number' } },
      additionalProperties: false,
    },
  },
};

function reachableClasses(roots: Ctor[]): Ctor[] {
  const seen = new Set<Ctor>();
  const visit = (cls: Ctor): void => {
    if (seen.has(cls)) return;
    seen.add(cls);
    for (const key of knownKeysOf(cls)) {
      const nested = nestedClassOf(cls, key);
      if (nested) visit(nested);
    }
  };
  roots.forEach(visit);
  return [...seen];
}

/** class-validator-jsonschema writes IsUrl as `format: url`; JSON Schema's name for it is `uri`. */
function standardFormats(schema: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'format' && v === 'url') out[k] = 'uri';
    else if (Array.isArray(v)) out[k] = v.map((x) => (x && typeof x === 'object' ? standardFormats(x as Schema) : x));
    else out[k] = v && typeof v === 'object' ? standardFormats(v as Schema) : v;
  }
  return out;
}

const isJsonDefault = (v: unknown): boolean =>
  v === null || ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every(isJsonDefault));

/** A class's schema as the loader reads it: no unknown keys; keys with defaults are optional. */
function finishClassSchema(cls: Ctor, generated: Schema): Schema {
  const defaults = defaultsOf(cls);
  const properties = { ...((generated.properties as Record<string, Schema> | undefined) ?? {}) };
  for (const [key, prop] of Object.entries(properties)) {
    const next: Schema = { ...prop };
    const description = describeKey(cls, key);
    if (description) next.description = description;
    if (isJsonDefault(defaults[key])) next.default = defaults[key];
    properties[key] = next;
  }
  const required = ((generated.required as string[] | undefined) ?? []).filter((k) => defaults[k] === undefined);
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/**
 * What a config class may say about its own keys: a plugin's backend config class describes the
 * keys it adds in a static `keyDescriptions` (key → one line), shown in the generated JSON Schema.
 */
export interface DescribedConfigClass {
  readonly keyDescriptions?: Readonly<Record<string, string>>;
}

/** A key's one-line meaning: from the class that declares it (its own keyDescriptions, or the kernel's list), nearest first. */
function describeKey(cls: Ctor, key: string): string | undefined {
  for (let p = cls as Ctor | null; p && p.name; p = Object.getPrototypeOf(p) as Ctor | null) {
    const own = Object.hasOwn(p, 'keyDescriptions') ? (p as DescribedConfigClass).keyDescriptions?.[key] : undefined;
    const d = own ?? CONFIG_KEY_DESCRIPTIONS[`${p.name}.${key}`];
    if (d) return d;
  }
  return undefined;
}

function withoutRequired(schema: Schema, key: string): Schema {
  const required = ((schema.required as string[] | undefined) ?? []).filter((k) => k !== key);
  const { required: _drop, ...rest } = schema;
  return required.length > 0 ? { ...rest, required } : rest;
}

/** Per backend type, the definition its entries validate against (`if type is … then …`). */
function backendItemSchema(groups: Map<string, string[]>, suffix: string): Schema {
  let schema: Schema = ref(BackendConfig.name + suffix);
  for (const [name, types] of groups) {
    if (name === BackendConfig.name) continue;
    schema = { if: { properties: { type: { enum: types } }, required: ['type'] }, then: ref(name + suffix), else: schema };
  }
  return schema;
}

/**
 * The JSON Schema (draft-07) of the configuration file, built from the same classes the loader
 * validates with. Backend entries validate per type against the registered plugins' classes;
 * `backends` / `routes` accept the list and the map form; `server.api_keys` strings or objects.
 */
export function generateConfigJsonSchema(registry?: PluginRegistry): Schema {
  const types = registry?.types() ?? [];
  const groups = new Map<string, string[]>();
  const backendClasses: Ctor[] = [BackendConfig];
  /** Per backend class, the auth types its plugins accept (check-config-semantics checks the same). */
  const authTypes = new Map<string, Set<string>>([[BackendConfig.name, new Set(AUTH_TYPES)]]);
  for (const type of types) {
    const cls = registry?.configClassFor(type) ?? BackendConfig;
    if (!backendClasses.includes(cls)) backendClasses.push(cls);
    groups.set(cls.name, [...(groups.get(cls.name) ?? []), type]);
    const accepted = authTypes.get(cls.name) ?? new Set<string>();
    for (const t of registry?.get(type)?.authTypes ?? AUTH_TYPES) accepted.add(t);
    authTypes.set(cls.name, accepted);
  }

  // Required here, not imported: a running gateway never generates its schema, and the generator
  // with its lodash helpers would stay loaded in every process (issue #19: idle memory).
  const { validationMetadatasToSchemas } = createRequire(import.meta.url)(
    'class-validator-jsonschema',
  ) as typeof import('class-validator-jsonschema');
  const generated = validationMetadatasToSchemas({
    classTransformerMetadataStorage: transformerMetadata,
    refPointerPrefix: REF,
    additionalConverters: CUSTOM_CONVERTERS as never,
  }) as Record<string, Schema>;

  const definitions: Record<string, Schema> = {};
  for (const cls of reachableClasses([SwitchyardConfig, ...backendClasses])) {
    definitions[cls.name] = standardFormats(finishClassSchema(cls, generated[cls.name] ?? {}));
  }
  for (const cls of backendClasses) {
    const def = definitions[cls.name]!;
    const props = def.properties as Record<string, Schema>;
    props.type = { ...props.type, examples: types };
    props.auth_type = { ...props.auth_type, enum: [...authTypes.get(cls.name)!] };
    definitions[`${cls.name}MapEntry`] = withoutRequired(def, 'id');
  }
  definitions[`${RouteConfig.name}MapEntry`] = withoutRequired(definitions[RouteConfig.name]!, 'virtual_model');

  const serverProps = definitions.ServerConfig!.properties as Record<string, Schema>;
  serverProps.api_keys = { ...serverProps.api_keys, type: 'array', items: { anyOf: [{ type: 'string' }, ref('ApiKeyEntry')] } };
  serverProps.admin_keys = { ...serverProps.admin_keys, type: 'array', items: { anyOf: [{ type: 'string' }, ref('AdminKeyEntry')] } };

  const rootProps = definitions.SwitchyardConfig!.properties as Record<string, Schema>;
  rootProps.pricing = { description: rootProps.pricing?.description, type: 'object', additionalProperties: ref('PriceConfig') };
  rootProps.backends = {
    description: rootProps.backends?.description,
    oneOf: [
      { type: 'array', items: backendItemSchema(groups, '') },
      { type: 'object', additionalProperties: backendItemSchema(groups, 'MapEntry') },
    ],
  };
  rootProps.routes = {
    description: rootProps.routes?.description,
    oneOf: [
      { type: 'array', items: ref(RouteConfig.name) },
      { type: 'object', additionalProperties: ref(`${RouteConfig.name}MapEntry`) },
    ],
  };

  const { properties, additionalProperties } = definitions.SwitchyardConfig!;
  delete definitions.SwitchyardConfig; // it is the root itself
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/switchyard/switchyard/config.schema.json',
    title: 'Switchyard configuration',
    description:
      'config.yaml / .toml / .json for the Switchyard LLM gateway. String values may use ${ENV}, ${ENV:-default} and ${file:path}; see docs/configuration.md.',
    type: 'object',
    properties,
    additionalProperties,
    definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** The schema as committed: JSON text, with backend classes of the named plugin packages. */
export async function configJsonSchemaText(pluginPackages: readonly string[] = []): Promise<string> {
  const registry = new PluginRegistry();
  for (const spec of pluginPackages) await registry.loadPackage(spec);
  return JSON.stringify(generateConfigJsonSchema(registry), null, 2) + '\n';
}

// node libs/kernel/dist/config/generate-config-json-schema.js [plugin-package ...] > config.schema.json
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // No top-level await: the plugin packages import the kernel, which imports this module.
  configJsonSchemaText(process.argv.slice(2)).then(
    (text) => process.stdout.write(text),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
