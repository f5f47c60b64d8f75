export * from './backend-config.js';
export * from './journal-config.js';
export * from './logging-config.js';
export * from './profile-vocabulary.js';
export * from './route-config.js';
export * from './server-config.js';
export * from './switchyard-config.js';
export * from './telemetry-config.js';
