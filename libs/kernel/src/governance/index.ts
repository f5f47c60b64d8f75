export * from './admission-gate.js';
export * from './governance-gate.js';
export * from './compile-key-policies.js';
export * from './price-usage.js';
