export * from './rewrite-model-field.js';
export * from './chain-rewriters.js';
