import type { PluginRegistry } from '../plugin/plugin-registry.js';
import type { RouteConfig } from '@switchyard/plugin-sdk';
import type { SwitchyardConfig } from './schema/switchyard-config.js';
import type { ConfigIssues } from './config-issues.js';
import { checkGovernanceConfig } from './check-governance-config.js';
import { matchesModelGlob } from './model-glob.js';
import { AUTH_TYPES } from '@switchyard/plugin-sdk';
import { suggestNearestKey } from './suggest-nearest-key.js';
import { checkAdminKeys } from './check-admin-keys.js';

/** Flag every second, third, … occurrence of a name, pointing at the first. */
function checkUnique(names: unknown[], collection: string, field: string, what: string, issues: ConfigIssues): void {
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    if (typeof name !== 'string') return;
    const j = first.get(name);
    if (j === undefined) first.set(name, i);
    else issues.add([collection, i, field], `duplicate ${what} "${name}" (also ${issues.labels.format([collection, j])})`);
  });
}

function checkBackends(config: SwitchyardConfig, registry: PluginRegistry, issues: ConfigIssues): void {
  const backends = config.backends;
  checkUnique(
    backends.map((b) => b.id),
    'backends',
    'id',
    'backend id',
    issues,
  );

  const defaults = backends.flatMap((b, i) => (b.default === true ? [i] : []));
  for (const i of defaults.slice(1)) {
    issues.add(
      ['backends', i, 'default'],
      `only one backend may be default: true (${issues.labels.format(['backends', defaults[0]!])} already is)`,
    );
  }
  if (config.server?.passthrough_unrouted === true && defaults.length === 0) {
    issues.add(['server', 'passthrough_unrouted'], 'true requires exactly one backend with default: true (there is none)');
  }

  backends.forEach((b, i) => {
    const plugin = registry.get(b.type);
    if (!plugin || b.auth_type === undefined) return;
    const allowed: readonly string[] = plugin.authTypes ?? AUTH_TYPES;
    if (!allowed.includes(b.auth_type)) {
      issues.add(
        ['backends', i, 'auth_type'],
        `"${b.auth_type}" is not supported by type ${b.type} (expected one of: ${allowed.join(', ')})`,
      );
    }
  });
}

function checkRoutes(config: SwitchyardConfig, issues: ConfigIssues): void {
  if (!Array.isArray(config.routes)) return;
  // Entries that are not maps are reported by the schema; keep indices, skip them here.
  const routes = config.routes.map((r) => (typeof r === 'object' && r !== null ? r : undefined));
  const valid = routes.filter((r): r is RouteConfig => r !== undefined);
  const backendIds = config.backends.map((b) => b.id).filter((id): id is string => typeof id === 'string');
  checkUnique(
    routes.map((r) => r?.virtual_model),
    'routes',
    'virtual_model',
    'virtual_model',
    issues,
  );

  const direct = new Set(valid.filter((r) => r.auto_route == null).map((r) => r.virtual_model));
  const autos = new Set(valid.filter((r) => r.auto_route != null).map((r) => r.virtual_model));
  const routable = (name: string): boolean =>
    direct.has(name) ||
    config.server?.passthrough_unrouted === true ||
    config.backends.some((b) => Array.isArray(b.models) && b.models.some((g) => typeof g === 'string' && matchesModelGlob(g, name)));

  routes.forEach((route, i) => {
    if (route === undefined) return;
    const hasDirect = route.backend != null || route.real_model != null;
    const hasTargets = route.targets != null;
    if (hasDirect && route.auto_route != null && !hasTargets) {
      issues.add(['routes', i], 'set either backend + real_model or auto_route, not both');
    } else if ([hasDirect, hasTargets, route.auto_route != null].filter(Boolean).length > 1) {
      issues.add(['routes', i], 'set one of backend + real_model, targets, or auto_route');
    } else if (!hasDirect && !hasTargets && route.auto_route == null) {
      issues.add(['routes', i], 'expected backend + real_model (a profile), targets, or auto_route');
    } else if (hasTargets) {
      if (!Array.isArray(route.targets) || route.targets.length === 0)
        issues.add(['routes', i, 'targets'], 'expected at least one { backend, real_model }');
      else
        route.targets.forEach((t, j) => {
          if (typeof t?.backend === 'string' && !backendIds.includes(t.backend)) {
            const near = suggestNearestKey(t.backend, backendIds);
            issues.add(
              ['routes', i, 'targets', j, 'backend'],
              `no backend has id "${t.backend}"${near ? `; did you mean "${near}"?` : ''} (backends: ${[...new Set(backendIds)].join(', ') || 'none'})`,
            );
          }
        });
    } else if (hasDirect) {
      if (route.backend == null) issues.add(['routes', i, 'backend'], 'is required with real_model (the id of a backend)');
      if (route.real_model == null) issues.add(['routes', i, 'real_model'], 'is required with backend (the model name the backend knows)');
      if (typeof route.backend === 'string' && !backendIds.includes(route.backend)) {
        const near = suggestNearestKey(route.backend, backendIds);
        issues.add(
          ['routes', i, 'backend'],
          `no backend has id "${route.backend}"${near ? `; did you mean "${near}"?` : ''} (backends: ${[...new Set(backendIds)].join(', ') || 'none'})`,
        );
      }
    }
    const auto = route.auto_route;
    if (auto && typeof auto === 'object') {
      for (const slot of ['text', 'vision'] as const) {
        const target = auto[slot];
        if (typeof target !== 'string' || target === '') continue;
        const at = ['routes', i, 'auto_route', slot];
        if (autos.has(target))
          issues.add(at, `"${target}" is itself an auto_route; point at a virtual model with a backend or a served model`);
        else if (!routable(target)) {
          issues.add(at, `"${target}" is neither a virtual model (routes) nor a model any backend's models globs serve`);
        }
      }
    }
  });
}

/** Cross-field rules the schema classes cannot express (SPEC §2). */
export function checkConfigSemantics(config: SwitchyardConfig, registry: PluginRegistry, issues: ConfigIssues): void {
  if (config.backends.length === 0) {
    const example = registry.types()[0] ?? 'TYPE';
    issues.add(['backends'], `expected at least one backend (e.g. - { id: local, type: ${example}, base_url: "http://localhost:8000" })`);
  }
  checkBackends(config, registry, issues);
  checkRoutes(config, issues);
  checkGovernanceConfig(config, issues);
  if (config.server.headers_timeout_seconds > config.server.request_timeout_seconds) {
    issues.add(
      ['server', 'headers_timeout_seconds'],
      `expected at most server.request_timeout_seconds (${config.server.request_timeout_seconds}): the headers are part of the request`,
    );
  }
  checkAdminKeys(config, issues);
}
