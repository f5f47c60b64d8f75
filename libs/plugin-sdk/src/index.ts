import 'reflect-metadata';
export * from './codec/check-request-fields.js';
export * from './codec/json-readers.js';
export * from './codec/scan-media-parts.js';
export * from './codec/media-sources.js';
export * from './codec/thinking-from-effort.js';
export * from './config/schema/backend-config.js';
export * from './config/schema/governance-config.js';
export * from './config/schema/logging-config.js';
export * from './config/schema/profile-vocabulary.js';
export * from './config/schema/route-config.js';
export * from './config/schema/validators.js';
export * from './errors/index.js';
export * from './governance/governance-store.js';
export * from './governance/rate-limit-headers.js';
export * from './ids/random-hex.js';
export * from './ir/index.js';
export * from './logger.js';
export * from './models/list-admitted-models.js';
export * from './observability/read-usage.js';
export * from './observability/stream-meter.js';
export * from './plugin/embedding-codec.js';
export * from './plugin/protocol-codec.js';
export * from './plugin/provider-plugin.js';
export * from './profile/apply-limits.js';
export * from './profile/join-prompt-text.js';
export * from './profile/map-profile-vocabulary.js';
export * from './profile/profile-dialect.js';
export * from './profile/profile-types.js';
export * from './profile/thinking-effort.js';
export * from './protocol.js';
export * from './router/compile-model-glob.js';
export * from './secrets/secret-redactor.js';
export * from './stream/destroy-when-idle.js';
export * from './stream/ndjson-framing.js';
export * from './stream/observed-stream.js';
export * from './stream/relay-readable.js';
export * from './stream/passthrough-failure.js';
export * from './stream/sse-events.js';
export * from './stream/watch-stream-errors.js';
export * from './upstream/dispatch-upstream.js';
export * from './upstream/index.js';
export {
  cloneJson,
  deepEqual,
  finiteNumber,
  isPlainObject,
  isSet as isFieldSet,
  own as ownField,
  put,
  type JsonObject,
} from './profile/json-values.js';
export {
  adjust as adjustProfileField,
  drop as dropProfileField,
  markApplied,
  unmark as unmarkApplied,
  type ProfileRun,
} from './profile/profile-run.js';
