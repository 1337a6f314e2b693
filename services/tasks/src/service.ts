import type { ServiceDefinition } from '@oms/runtime';
import { configSchema, SERVICE_NAME } from './config';
import { RuleSettingsRepository } from './data-access/rule-settings';
import { SchedulerClock } from './data-access/scheduler-clock';
import { taskLockKey, taskModel, type TaskDoc } from './data-access/task-model';
import { TaskRepository } from './data-access/task-repository';
import { toTaskView } from './data-access/task-view';
import { scheduler } from './entry-points/jobs/scheduler';
import { taskRoutes } from './entry-points/http/task-routes';
import { tasksSubscriptions } from './entry-points/messages/tasks-subscriptions';

/** tasks: the trigger rules, the tasks and red flags they raise, and the scheduler of their time conditions. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup(ctx) {
    const tasks = new TaskRepository(taskModel(ctx.db));
    const store = ctx.aggregates<TaskDoc>({ model: tasks.model, lockKey: taskLockKey, view: toTaskView });
    const deps = { store, tasks, rules: new RuleSettingsRepository(ctx.db), clock: new SchedulerClock(ctx.db), locks: ctx.locks };
    const clocks = scheduler(deps, ctx.locks, ctx.broker, ctx.logger);
    clocks.start(ctx.config.SCHEDULER_PASS_MS);
    return {
      routes: taskRoutes(deps),
      consumers: tasksSubscriptions(deps),
      onStop: () => clocks.stop(),
    };
  },
};
