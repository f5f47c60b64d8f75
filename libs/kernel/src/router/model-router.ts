import type { BackendConfig } from '../config/schema/backend-config.js';
import type { RouteConfig } from '../config/schema/route-config.js';
import { GatewayError } from '../errors/gateway-error.js';
import { profileOf } from '../profile/profile-of.js';
import type { RouteProfile } from '../profile/profile-types.js';
import { compileModelGlob, isLiteralGlob } from './compile-model-glob.js';

export type RouteVia = 'virtual_model' | 'glob' | 'passthrough_unrouted';

/** The routing decision, made once per request and recorded for metrics and the journal. */
export interface RouteDecision {
  /** The name the client asked for (also what responses carry in `model`). */
  clientModel: string;
  /** The virtual model when a route matched, else null. */
  virtualModel: string | null;
  route: RouteConfig | null;
  backendId: string;
  realModel: string;
  via: RouteVia;
  /** The route's parameter profile, computed once per configuration; null when there is none. */
  profile: RouteProfile | null;
}

interface CompiledBackend {
  id: string;
  matchers: Array<(model: string) => boolean>;
}

export interface RouterOptions {
  backends: readonly BackendConfig[];
  routes: readonly RouteConfig[];
  passthroughUnrouted: boolean;
  /** Single-backend mode: a backend without `models` matches every name. */
  singleBackend: boolean;
  /** Extra names to list in a model_not_found error (models the backends reported). */
  knownModels?: () => readonly string[];
}

/**
 * SPEC §2 "Routing order": exact virtual model → backend `models` globs in file order →
 * `passthrough_unrouted` to the default backend → 404 model_not_found listing what exists.
 */
export class ModelRouter {
  private readonly virtual = new Map<string, RouteConfig>();
  private readonly profiles = new Map<string, RouteProfile | null>();
  private readonly backends: CompiledBackend[];
  private readonly defaultBackend: string | null;

  constructor(private readonly options: RouterOptions) {
    for (const r of options.routes) {
      this.virtual.set(r.virtual_model, r);
      this.profiles.set(r.virtual_model, profileOf(r));
    }
    this.backends = options.backends.map((b) => ({
      id: b.id,
      matchers: (b.models ?? (options.singleBackend ? ['*'] : [])).map(compileModelGlob),
    }));
    this.defaultBackend = options.backends.find((b) => b.default)?.id ?? null;
  }

  /** The virtual model's route, or null. */
  virtualRoute(model: string): RouteConfig | null {
    return this.virtual.get(model) ?? null;
  }

  route(model: string): RouteDecision {
    const route = this.virtual.get(model);
    if (route?.backend && route.real_model) {
      return { clientModel: model, virtualModel: model, route, backendId: route.backend, realModel: route.real_model, via: 'virtual_model', profile: this.profiles.get(model) ?? null };
    }
    for (const b of this.backends) {
      for (const m of b.matchers) {
        if (m(model)) return { clientModel: model, virtualModel: null, route: null, backendId: b.id, realModel: model, via: 'glob', profile: null };
      }
    }
    if (this.options.passthroughUnrouted && this.defaultBackend) {
      return { clientModel: model, virtualModel: null, route: null, backendId: this.defaultBackend, realModel: model, via: 'passthrough_unrouted', profile: null };
    }
    throw GatewayError.modelNotFound(model, this.listRoutableNames());
  }

  /** Virtual models, literal backend model names and reported models, deduplicated, in that order. */
  listRoutableNames(): string[] {
    const names = new Set<string>(this.virtual.keys());
    for (const b of this.options.backends) for (const g of b.models ?? []) if (isLiteralGlob(g)) names.add(g);
    for (const m of this.options.knownModels?.() ?? []) names.add(m);
    return [...names];
  }

  /** Whether a backend's globs admit a model name (for listing reported models). */
  admits(backendId: string, model: string): boolean {
    const b = this.backends.find((x) => x.id === backendId);
    return b ? b.matchers.some((m) => m(model)) : false;
  }
}
