import type { PluginRegistry } from '@switchyard/kernel';

// The gateway app's registry of the built-in plugins, from its build output (without loading Nest):
// configuration is validated with the plugins' own config classes, as the server does.
type BuiltinModule = typeof import('../../apps/gateway/src/builtin-plugins.js');
const { createBuiltinRegistry } = (await import(
  new URL('../../../apps/gateway/dist/builtin-plugins.js', import.meta.url).href
)) as BuiltinModule;

/** A fresh registry holding the provider plugins that ship in this repository. */
export function builtinRegistry(): PluginRegistry {
  return createBuiltinRegistry();
}
