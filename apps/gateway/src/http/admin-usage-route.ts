import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError, type AdminKeyEntry, type GovernanceStore, type KernelLogger } from '@switchyard/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildUsageReport, type ReportedKey } from '../governance/build-usage-report.js';
import { sendError } from './install-http-hooks.js';

/** Where `GET /admin/usage` reads: the gateway's governance store and its configured client keys. */
export interface UsageSource {
  store: GovernanceStore;
  /** The client keys of the configuration in effect (read on every call: reloads apply). */
  keys(): readonly ReportedKey[];
}

export interface AdminRouteOptions {
  /** `server.admin_keys` of the configuration in effect. */
  adminKeys: () => readonly AdminKeyEntry[];
  /** Whether the headers carry a valid client key (InboundAuth): a 403 rather than a 401. */
  isClientKey: (authorization: string | undefined, xApiKey: string | string[] | undefined) => boolean;
  /** The store; null when this gateway keeps no client-key counters (the report then lists no usage). */
  usage: () => UsageSource | null;
  logger: KernelLogger;
}

export const ADMIN_USAGE_PATH = '/admin/usage';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The digests a presented key is compared with: of `key`, or `key_sha256` itself. */
function adminDigests(entries: readonly AdminKeyEntry[]): Buffer[] {
  return entries.map((e) => (e.key !== undefined ? sha256(e.key) : Buffer.from(e.key_sha256!, 'hex')));
}

function presentedKey(authorization: string | undefined, xApiKey: string | string[] | undefined): string | undefined {
  const m = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
  if (m) return m[1]!.trim();
  return typeof xApiKey === 'string' ? xApiKey : undefined;
}

/** Whether the presented key is one of the admin keys; compared in constant time against every one. */
export function isAdminKey(entries: readonly AdminKeyEntry[], presented: string | undefined): boolean {
  if (presented === undefined || presented === '') return false;
  const digest = sha256(presented);
  let found = false;
  for (const d of adminDigests(entries)) if (d.length === digest.length && timingSafeEqual(d, digest)) found = true;
  return found;
}

/**
 * `GET /admin/usage` (issue #20; docs/governance.md "Usage reports"): per client key and model,
 * requests, tokens and spend in the current budget period, each limit with what is left, and the
 * key's metadata, as JSON. Only admin keys (`server.admin_keys`) may call it: no key or an unknown
 * one → 401, a client key → 403, no admin key configured → 404, each in OpenAI's error envelope.
 * Client keys are named by their id (configured name or HMAC id), never by the key.
 */
export function registerAdminRoutes(fastify: FastifyInstance, options: AdminRouteOptions): void {
  fastify.route({
    method: 'GET',
    url: ADMIN_USAGE_PATH,
    handler: async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const entries = options.adminKeys();
      if (entries.length === 0) {
        return sendError(reply, request.url, GatewayError.notFound('No admin endpoint: server.admin_keys is empty.'));
      }
      const { authorization } = request.headers;
      const xApiKey = request.headers['x-api-key'];
      if (!isAdminKey(entries, presentedKey(authorization, xApiKey))) {
        if (options.isClientKey(authorization, xApiKey)) {
          return sendError(
            reply,
            request.url,
            new GatewayError({
              status: 403,
              kind: 'permission',
              message: 'This key is a client key, not an admin key (server.admin_keys).',
              code: 'not_admin_key',
            }),
          );
        }
        return sendError(
          reply,
          request.url,
          GatewayError.unauthorized('Missing or invalid admin key. Send a key of server.admin_keys as "Authorization: Bearer <key>".'),
        );
      }
      const source = options.usage();
      const now = Date.now();
      const keys = source?.keys() ?? [];
      const snapshot = source
        ? await source.store.snapshot(
            keys.map((k) => k.limits),
            now,
          )
        : { usage: [], limits: {}, mode: 'none' };
      return reply
        .code(200)
        .header('cache-control', 'no-store')
        .type('application/json')
        .send(JSON.stringify(buildUsageReport(snapshot, keys, now)));
    },
    errorHandler: (err, request, reply) => {
      options.logger.error({ err: (err as Error).message }, 'GET /admin/usage failed');
      sendError(reply, request.url, GatewayError.unavailable('The usage counters could not be read; try again.'));
    },
  });
}
