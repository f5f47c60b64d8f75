export * from './model-router.js';
export * from './media-content.js';
