export * from './journal-record.js';
export * from './journal-writer.js';
export * from './journal-observer.js';
export * from './journal.module.js';
