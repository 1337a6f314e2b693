import { everyMessageOf, type Subscriptions } from '@oms/messaging';
import { configureRule } from '../../application/configure-rule';
import { fireTask } from '../../application/fire-task';
import { reactToFact } from '../../application/react-to-fact';
import type { TasksDeps } from '../../application/tasks-deps';
import { claimTask, completeTask } from '../../application/work-on-task';

/** Every subscription of tasks: each message its queues receive, and the use case it runs. */
export function tasksSubscriptions(deps: TasksDeps): Subscriptions {
  return {
    'tasks.commands': {
      'rule.configure.v1': (msg) => configureRule(deps, msg),
      'task.claim.v1': (msg) => claimTask(deps, msg),
      'task.complete.v1': (msg) => completeTask(deps, msg),
      'task.fire.v1': (msg) => fireTask(deps, msg),
    },
    // Every event the rules watch goes through the rules (domain/rules.ts says what each means to which rule).
    'tasks.signals': everyMessageOf('tasks.signals', (msg) => reactToFact(deps, msg)),
  };
}
