export * from './exchange-measurement.js';
export * from './gateway-metrics.js';
export * from './metrics-observer.js';
export * from './local-histograms.js';
export * from './observability.module.js';
