export * from './governance-store.js';
export * from './admission-gate.js';
export * from './governance-gate.js';
export * from './compile-key-policies.js';
export * from './price-usage.js';
export * from './rate-limit-headers.js';
