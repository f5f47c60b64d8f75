export * from './gateway-error.js';
export * from './encode-error-envelope.js';
