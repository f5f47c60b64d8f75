import { BackendConfig } from '@switchyard/plugin-sdk';
import type { Protocol } from '@switchyard/plugin-sdk';
import { isProviderPlugin, type ProviderPlugin } from '@switchyard/plugin-sdk';
import type { ProtocolCodec, WireProtocol } from '@switchyard/plugin-sdk';

/**
 * The provider plugins and protocol codecs this gateway knows. Built-ins are registered by the
 * application; packages named under `plugins:` are imported by name (loadPackage). The kernel
 * itself imports no plugin.
 */
export class PluginRegistry {
  private readonly plugins = new Map<string, ProviderPlugin>();
  private readonly codecs = new Map<string, ProtocolCodec>();
  private readonly packages = new Map<string, ProviderPlugin[]>();

  register(plugin: ProviderPlugin): this {
    if (this.plugins.has(plugin.type)) {
      throw new Error(`a provider plugin for backend type "${plugin.type}" is already registered`);
    }
    this.plugins.set(plugin.type, plugin);
    for (const codec of plugin.codecs ?? []) this.registerCodec(codec);
    return this;
  }

  registerCodec(codec: ProtocolCodec): this {
    const existing = this.codecs.get(codec.protocol);
    // Two packages may contribute halves of one protocol's codec; merge them, first one wins per method.
    this.codecs.set(codec.protocol, existing ? { ...codec, ...existing } : codec);
    return this;
  }

  /** Import a plugin package by name (an npm package or a path) and register what it exports. */
  async loadPackage(specifier: string): Promise<ProviderPlugin[]> {
    const cached = this.packages.get(specifier);
    if (cached) return cached;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(specifier)) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`plugins: cannot load "${specifier}": ${(err as Error).message}`, { cause: err });
    }
    const candidates = [mod.default, mod.plugin, ...(Array.isArray(mod.plugins) ? mod.plugins : [])];
    const found = candidates.filter(isProviderPlugin);
    if (found.length === 0) {
      throw new Error(
        `plugins: "${specifier}" exports no provider plugin (expected a default export or "plugin" with type, nativeProtocols and createAdapter)`,
      );
    }
    for (const p of found) if (this.plugins.get(p.type) !== p) this.register(p);
    this.packages.set(specifier, found);
    return found;
  }

  get(type: string): ProviderPlugin | undefined {
    return this.plugins.get(type);
  }

  types(): string[] {
    return [...this.plugins.keys()];
  }

  configClassFor(type: string): new () => BackendConfig {
    return this.plugins.get(type)?.configClass ?? BackendConfig;
  }

  codec(protocol: WireProtocol): ProtocolCodec | undefined {
    return this.codecs.get(protocol);
  }

  /** Whether backends of `type` may take `protocol` passed through (their plugin's nativeProtocols). */
  speaksNatively(type: string, protocol: Protocol): boolean {
    return this.plugins.get(type)?.nativeProtocols.includes(protocol) ?? false;
  }
}
