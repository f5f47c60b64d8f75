import { joinUrl } from '@switchyard/plugin-sdk';
import type { VertexPublisher } from './vertex-model-ids.js';

/** Vertex AI's default location when neither the config nor the environment names one. */
export const VERTEX_DEFAULT_LOCATION = 'global';

/** `{location}-aiplatform.googleapis.com`, or `aiplatform.googleapis.com` for the `global` location. */
export function vertexHost(location: string): string {
  return location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
}

export interface VertexModelUrl {
  project: string;
  location: string;
  publisher: VertexPublisher;
  /** The Vertex model id (`gemini-2.5-pro`, `claude-sonnet-4-5@20250929`, `count-tokens`). */
  model: string;
  /** `generateContent`, `streamGenerateContent`, `rawPredict`, `streamRawPredict`. */
  method: string;
  query?: string;
  /**
   * Replaces `https://{host}` (tests, Private Service Connect endpoints, proxies). As everywhere
   * in the gateway, a base URL with a path is the API root including its version
   * (`https://proxy/vertex/v1` → `https://proxy/vertex/v1/projects/…`).
   */
  baseUrl?: string;
}

/** A path segment with anything but id characters percent-encoded (`example.com:project` keeps its colon). */
const segment = (s: string): string => s.replace(/[^A-Za-z0-9.:_@-]/g, (c) => encodeURIComponent(c));

/** `https://{host}/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}:{method}` */
export function vertexModelUrl(u: VertexModelUrl): string {
  const path = `/v1/projects/${segment(u.project)}/locations/${segment(u.location)}/publishers/${u.publisher}/models/${segment(u.model)}:${u.method}`;
  return joinUrl(u.baseUrl ?? `https://${vertexHost(u.location)}`, path, u.query);
}
