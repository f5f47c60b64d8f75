export * from './exchange-measurement.js';
export * from './gateway-metrics.js';
export * from './metrics-observer.js';
export * from './read-usage.js';
export * from './local-histograms.js';
export * from './stream-meter.js';
export * from './observability.module.js';
