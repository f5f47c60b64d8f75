export * from './ir-message.js';
export * from './ir-request.js';
export * from './ir-response.js';
export * from './ir-stream-event.js';
export * from './ir-embedding.js';
