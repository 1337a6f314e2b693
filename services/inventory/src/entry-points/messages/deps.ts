import type { OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import type { Models } from '../../data-access/models';

/** What the command handlers work with. */
export interface HandlerDeps {
  locks: AggregateLocks;
  outbox: OutboxRelay;
  models: Models;
}
