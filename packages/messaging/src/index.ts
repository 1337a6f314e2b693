export * from './broker';
export * from './consumer';
export * from './envelope';
export * from './partner-headers';
export * from './rpc';
export * from './transient-errors';
export * from './live-events';
