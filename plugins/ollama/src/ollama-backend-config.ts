import { BackendConfig } from '@switchyard/plugin-sdk';

/**
 * `type: ollama` backend keys: BackendConfig's (`base_url`, default `http://localhost:11434`;
 * `api_key`, sent as a bearer token for ollama.com or a proxy in front of Ollama; `models`,
 * `timeout_seconds`, `headers`, …). Ollama needs no key of its own.
 */
export class OllamaBackendConfig extends BackendConfig {}
