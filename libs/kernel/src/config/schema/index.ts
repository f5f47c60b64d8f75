export * from './admin-key-entry.js';
export * from './journal-config.js';
export * from './server-config.js';
export * from './state-config.js';
export * from './switchyard-config.js';
export * from './telemetry-config.js';
