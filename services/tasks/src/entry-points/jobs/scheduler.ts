import type { Logger } from '@oms/logging';
import type { Broker } from '@oms/messaging';
import type { AggregateLocks } from '@oms/redis';
import { PeriodicPass } from '@oms/runtime';
import { fireDueTasks, SCHEDULER_LOCK } from '../../application/fire-due-tasks';
import type { TasksDeps } from '../../application/tasks-deps';

/**
 * Every interval, the rules' clocks that ended are sent to fire (task.fire.v1). Every replica runs it, one
 * at a time under a lock: the pass reads the hours since the one stored, so the replica after it finds
 * little left to read, and a command sent twice acts once.
 */
export function scheduler(deps: Pick<TasksDeps, 'tasks' | 'clock'>, locks: AggregateLocks, broker: Broker, logger: Logger): PeriodicPass {
  return new PeriodicPass(
    'rule scheduler',
    async () => {
      const sent = await locks.withLock(SCHEDULER_LOCK, () =>
        fireDueTasks(deps, (taskId) => broker.publish('task.fire.v1', { taskId }, { correlationId: taskId }).then(() => undefined)),
      );
      if (sent > 0) logger.info({ sent }, 'rule clocks ended: asked to act');
    },
    logger,
  );
}
