export * from './header-policy.js';
export * from './join-url.js';
export * from './map-upstream-failure.js';
export * from './upstream-client.js';
export * from './json-http-backend.js';
export * from './map-json-reply.js';
export * from './check-json-reply.js';
