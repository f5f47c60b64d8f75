export * from './compile-model-glob.js';
export * from './model-router.js';
