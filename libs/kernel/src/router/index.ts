export * from './model-router.js';
