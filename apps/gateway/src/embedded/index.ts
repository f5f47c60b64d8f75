export { createSwitchyard, type EmbeddedSwitchyard } from './create-switchyard.js';
export {
  Switchyard,
  type ChatCompletionsApi,
  type CompletionsApi,
  type EmbeddingsApi,
  type MessagesApi,
  type ModelsApi,
  type ResponsesApi,
  type SwitchyardRequestOptions,
} from './switchyard.js';
export { SwitchyardModule, SwitchyardTelemetry } from './switchyard.module.js';
export { SwitchyardError, isSwitchyardError, type SwitchyardErrorInit } from './switchyard-error.js';
export { SwitchyardStream } from './switchyard-stream.js';
export {
  createSwitchyardRegistry,
  loadSwitchyardConfig,
  prepareSwitchyard,
  type PreparedSwitchyard,
  type SwitchyardOptions,
} from './switchyard-options.js';
export type * from './sdk-types.js';
