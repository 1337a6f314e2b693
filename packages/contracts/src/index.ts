export * from './envelope';
export * from './order';
export * from './order-totals';
export * from './messages';
export * from './topology';
export * from './producers';
export * from './asyncapi';
export * from './import-summaries';
