export { AggregateStore, type AggregateDocument, type AggregateSpec, type ChangeOptions, type Decision, type Emit } from './aggregate-store';
export { aggregateFields } from './aggregate-fields';
export { outboxPendingMarker } from './pending-marker';
export { OutboxRelay, type OutboxEntry, type OutboxSource, type WithOutbox } from './relay';
