import type { BackendConfig } from '@switchyard/plugin-sdk';
import type { RouteConfig, RouteStrategy } from '@switchyard/plugin-sdk';
import type { ProtocolCodec } from '@switchyard/plugin-sdk';
import { GatewayError } from '@switchyard/plugin-sdk';
import { profileOf } from '../profile/profile-of.js';
import type { RouteProfile } from '@switchyard/plugin-sdk';
import { compileModelGlob, isLiteralGlob } from '@switchyard/plugin-sdk';

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
  /**
   * Every place the request may go, in configuration order (one for a plain route). The pipeline
   * orders them by `strategy` and sets backendId / realModel / profile to the one it tries.
   */
  targets?: RouteTarget[];
  strategy?: RouteStrategy;
  /** One total deadline for all attempts (ms). */
  retryDeadlineMs?: number;
  /** Set when an `auto_route` virtual model chose the target by the request's content. */
  autoRoute?: AutoRouteDecision | null;
}

export interface RouteTarget {
  backendId: string;
  realModel: string;
  profile: RouteProfile | null;
  weight: number;
}

export interface AutoRouteDecision {
  /** The auto_route virtual model the client named. */
  virtualModel: string;
  /** Which slot matched: `vision` when the request carries image, audio, video or file content. */
  kind: 'text' | 'vision';
  /** The model name that slot points at (a virtual model or a served model). */
  target: string;
}

/** What the router may read of the request body (auto_route). */
export interface RouteContent {
  /** The client protocol's codec, whose `hasMediaContent` reads the body (absent: the body is text). */
  codec: ProtocolCodec | undefined;
  body: Record<string, unknown>;
}

const DEFAULT_RETRY_DEADLINE_MS = 60_000;

function targetsOf(route: RouteConfig, profile: RouteProfile | null): RouteTarget[] {
  if (!route.targets?.length)
    return route.backend && route.real_model ? [{ backendId: route.backend, realModel: route.real_model, profile, weight: 1 }] : [];
  return route.targets.map((t) => ({
    backendId: t.backend,
    realModel: t.real_model,
    weight: t.weight ?? 1,
    profile:
      t.defaults || t.clamp || t.limits
        ? profileOf({
            defaults: { ...route.defaults, ...t.defaults },
            clamp: { ...route.clamp, ...t.clamp },
            limits: { ...route.limits, ...t.limits },
            system_prompt: route.system_prompt,
          })
        : profile,
  }));
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
  private readonly targets = new Map<string, RouteTarget[]>();
  private readonly backends: CompiledBackend[];
  private readonly defaultBackend: string | null;

  constructor(private readonly options: RouterOptions) {
    for (const r of options.routes) {
      this.virtual.set(r.virtual_model, r);
      const profile = profileOf(r);
      this.profiles.set(r.virtual_model, profile);
      this.targets.set(r.virtual_model, targetsOf(r, profile));
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

  /**
   * The decision for a model name. `content` lets an `auto_route` virtual model choose its
   * `vision` or `text` target; without it an auto route takes `text`.
   */
  route(model: string, content?: RouteContent): RouteDecision {
    const route = this.virtual.get(model);
    if (route?.auto_route) {
      const kind = content?.codec?.hasMediaContent?.(content.body) === true ? 'vision' : 'text';
      const target = route.auto_route[kind];
      const inner = this.direct(target, this.virtual.get(target)?.auto_route ? undefined : this.virtual.get(target));
      return { ...inner, clientModel: model, autoRoute: { virtualModel: model, kind, target } };
    }
    return this.direct(model, route);
  }

  private direct(model: string, route: RouteConfig | undefined): RouteDecision {
    const targets = route ? this.targets.get(route.virtual_model) : undefined;
    if (route && targets?.length) {
      const first = targets[0]!;
      return {
        clientModel: model,
        virtualModel: model,
        route,
        backendId: first.backendId,
        realModel: first.realModel,
        via: 'virtual_model',
        profile: first.profile,
        targets,
        strategy: route.strategy ?? 'failover',
        retryDeadlineMs: (route.retry_deadline_seconds ?? DEFAULT_RETRY_DEADLINE_MS / 1000) * 1000,
        autoRoute: null,
      };
    }
    for (const b of this.backends) {
      for (const m of b.matchers) {
        if (m(model))
          return {
            clientModel: model,
            virtualModel: null,
            route: null,
            backendId: b.id,
            realModel: model,
            via: 'glob',
            profile: null,
            autoRoute: null,
          };
      }
    }
    if (this.options.passthroughUnrouted && this.defaultBackend) {
      return {
        clientModel: model,
        virtualModel: null,
        route: null,
        backendId: this.defaultBackend,
        realModel: model,
        via: 'passthrough_unrouted',
        profile: null,
        autoRoute: null,
      };
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
