import { thinkingDialectOf } from '@switchyard/plugin-sdk';
import { GatewayError } from '@switchyard/plugin-sdk';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import type { WireProtocol } from '@switchyard/plugin-sdk';
import { applyNativeProfileKeys } from '../profile/apply-native-profile-keys.js';
import { endpointPath } from '@switchyard/plugin-sdk';
import type { RouteDecision } from '../router/model-router.js';
import { adaptThinkingDialect } from './adapt-thinking-dialect.js';
import type { Exchange } from './exchange.js';
import type { GatewayRequest } from './gateway-request.js';
import type { GatewayRuntime, RuntimeBackend } from './gateway-runtime.js';
import { shapeUpstreamBody } from './shape-upstream-body.js';
import { decisionForTranslation, shapeTranslatedThinking } from './shape-translated-thinking.js';
import { codecContext, Translation } from './translation.js';
import { withRequestId } from './with-request-id.js';

/** The request as one target receives it. */
export interface PreparedCall {
  /** The wire protocol sent (the ingress itself on passthrough). */
  wire: WireProtocol;
  /** Null on passthrough. */
  translation: Translation | null;
  body: Record<string, unknown>;
  /** False when `body` is the client's own, byte for byte (its raw bytes may be sent). */
  changed: boolean;
}

/**
 * Shaping, for one target: the wire protocol its backend takes the request in, the translation
 * to it (SPEC §3), the route's profile (SPEC §2) and the backend's thinking dialect, and the
 * stream-usage option. Records the upstream protocol, the profile applied and whether usage was
 * asked for on the exchange. Throws a 400 when the backend cannot serve the request's endpoint or
 * operation.
 */
export function prepareUpstreamCall(
  req: GatewayRequest,
  exchange: Exchange,
  decision: RouteDecision,
  backend: RuntimeBackend,
  runtime: GatewayRuntime,
  model: string,
  stream: boolean,
  logger: KernelLogger,
): PreparedCall {
  const adapter = backend.adapter!;
  exchange.backendType = backend.config.type;
  const wire = adapter.wireProtocolFor(req.protocol, decision.realModel);
  if (
    req.operation !== undefined &&
    wire !== req.protocol &&
    !(wire && adapter.translatesOperation?.(req.operation, wire, decision.realModel))
  ) {
    throw GatewayError.unsupportedOperation(
      `${req.operation} is not available for backend ${backend.config.id} (type ${backend.config.type}): it does not speak ${req.protocol} natively`,
    );
  }
  if (wire === null) {
    throw GatewayError.unsupportedOperation(
      `backend ${backend.config.id} (type ${backend.config.type}) cannot serve ${endpointPath(req.protocol)}`,
    );
  }
  // Passthrough only for a protocol the plugin declares (ProviderPlugin.nativeProtocols).
  if (wire === req.protocol && !runtime.registry.speaksNatively(backend.config.type, req.protocol)) {
    throw GatewayError.unsupportedOperation(
      `backend ${backend.config.id} (type ${backend.config.type}) cannot serve ${endpointPath(req.protocol)}: its adapter would pass ${req.protocol} through, which its plugin does not list in nativeProtocols`,
    );
  }
  exchange.upstreamProtocol = wire;
  const translation =
    wire === req.protocol
      ? null
      : Translation.between(
          runtime.registry,
          req.protocol,
          wire,
          codecContext(model, req.requestId, logger, req.logger !== undefined),
          (t) => runtime.redactor.redact(t),
        );
  // Translated requests: the profile's thinking keys are applied to the decoded IR (below), the rest in the
  // ingress's vocabulary.
  const shaped = shapeUpstreamBody(
    req.body,
    translation ? decisionForTranslation(decision) : decision,
    backend.config,
    req.protocol,
    logger,
    translation ? 'reasoning_effort' : undefined,
    runtime.registry.codec(req.protocol)?.profile,
  );
  exchange.profileApplied = shaped.applied;
  let upstreamBody = shaped.body;
  if (translation) {
    upstreamBody = translation.request(shaped.body, decision.realModel, stream, (ir) => {
      exchange.profileApplied = shapeTranslatedThinking(ir, decision, req.body, shaped.applied);
    });
    const droppedTools = translation.ctx.droppedTools;
    if (droppedTools?.length) {
      logger.warn(
        withRequestId(req, { backend: backend.config.id, tools: droppedTools }),
        `tools dropped from the request: backend ${backend.config.id} cannot run ${droppedTools.join(', ')}`,
      );
    }
    adaptThinkingDialect(upstreamBody, runtime.registry.codec(wire), thinkingDialectOf(backend.config));
    applyNativeProfileKeys(upstreamBody, decision.profile);
  }
  let changed = translation !== null || shaped.changed;
  exchange.usageInjected = false;
  if (stream && backend.plugin!.streamUsageOption) {
    const withUsage = runtime.registry.codec(wire)?.usage?.requestStreamUsage?.(upstreamBody) ?? null;
    if (withUsage) {
      upstreamBody = withUsage;
      changed = true;
      // On passthrough the extra usage chunk is stripped; a translating encoder decides what the client sees.
      exchange.usageInjected = translation === null;
    }
  }
  return { wire, translation, body: upstreamBody, changed };
}
