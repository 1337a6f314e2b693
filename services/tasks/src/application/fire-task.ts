import type { Message } from '@oms/messaging';
import { act } from '../domain/task';
import { taskUpdate } from '../data-access/task-model';
import { stripped, triggered } from './react-to-fact';
import type { TasksDeps } from './tasks-deps';

/**
 * The scheduler found an episode's clock ended: the rule acts if the situation still holds (still waiting,
 * its time not moved on by a renewal). Several replicas, or a pass repeated after a crash, may ask twice:
 * the second finds the episode open and does nothing.
 */
export async function fireTask(deps: TasksDeps, msg: Message<'task.fire.v1'>): Promise<void> {
  const now = new Date();
  await deps.store.change(msg.data.taskId, msg, (current) => {
    if (!current || current.state !== 'waiting' || !current.fireAt || current.fireAt.getTime() > now.getTime()) return {};
    const acted = { ...stripped(current), ...act(current, now) };
    return { update: taskUpdate(acted), emit: triggered(current._id, acted), correlationId: acted.orderId ?? msg.correlationId };
  });
}
