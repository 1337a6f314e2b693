import { useState } from 'preact/hooks';
import { api } from '../api';
import { ActionButton, RedFlag } from '../components';
import { dateTime, t, words } from '../i18n';
import { href } from '../router';

export interface TaskRow {
  id: string;
  rule: string;
  state: string;
  title: string;
  link: { kind: string; id: string };
  orderId?: string;
  assignee: string;
  priority: string;
  flagRed: boolean;
  dueAt?: string;
  closedBy?: string;
  note?: string;
}

/** Tasks with what can be done to each: claim it, or complete it with a note. */
export function TaskTable({ tasks, changed }: { tasks: TaskRow[]; changed: () => void }) {
  return (
    <table class="list">
      <thead>
        <tr>
          <th scope="col">{t('title')}</th>
          <th scope="col">{t('priority')}</th>
          <th scope="col">{t('due')}</th>
          <th scope="col">{t('assignee')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('actions')}</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <tr key={task.id} class={task.flagRed && task.state !== 'done' ? 'red' : ''}>
            <td>
              {task.orderId ? <a href={href('orders', task.orderId)}>{task.title}</a> : task.title} {task.flagRed && task.state !== 'done' ? <RedFlag /> : null}
              <div class="sub">{words(task.rule)}</div>
            </td>
            <td>{words(task.priority)}</td>
            <td>{dateTime(task.dueAt)}</td>
            <td>{task.assignee}</td>
            <td>
              {words(task.state)}
              {task.note ? (
                <div class="sub">
                  {task.closedBy}: {task.note}
                </div>
              ) : null}
            </td>
            <td>{task.state === 'done' ? null : <TaskActions task={task} changed={changed} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TaskActions({ task, changed }: { task: TaskRow; changed: () => void }) {
  const [note, setNote] = useState('');
  return (
    <div class="task-actions">
      {task.state === 'open' ? (
        <ActionButton label={t('claim')} run={() => api('POST', `/v1/tasks/${encodeURIComponent(task.id)}/claim`, {})} onDone={changed} />
      ) : null}
      <label class="field inline">
        <span class="visually-hidden">
          {t('whatWasDone')} ({task.title})
        </span>
        <input value={note} placeholder={t('whatWasDone')} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      </label>
      <ActionButton label={t('complete')} run={() => api('POST', `/v1/tasks/${encodeURIComponent(task.id)}/complete`, { note })} onDone={changed} />
    </div>
  );
}
