import type { ProtocolCodec } from '@switchyard/plugin-sdk';
import { decodeGoogleError } from './decode-google-error.js';
import { decodeVertexEmbeddingsResponse } from './decode-vertex-embeddings-response.js';
import { encodeVertexEmbeddingsRequest } from './encode-vertex-embeddings-request.js';

/** The wire protocol of Vertex AI's text embeddings (`publishers/google/models/{model}:predict`). */
export const VERTEX_PREDICT_EMBEDDINGS = 'google.predict-embeddings';

/** The backend side of embeddings on Vertex AI: IR → `:predict` instances, predictions → IR; errors in Google's shape. */
export const vertexEmbeddingsCodec: ProtocolCodec = {
  protocol: VERTEX_PREDICT_EMBEDDINGS,
  decodeError: decodeGoogleError,
  embeddings: { encodeRequest: encodeVertexEmbeddingsRequest, decodeResponse: decodeVertexEmbeddingsResponse },
};
