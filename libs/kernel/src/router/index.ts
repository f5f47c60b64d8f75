export * from './compile-model-glob.js';
export * from './model-router.js';
export * from './media-content.js';
