export * from './payment';
export * from './carrier';
export * from './serve';
