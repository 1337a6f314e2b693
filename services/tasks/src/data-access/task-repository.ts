import type { Model } from 'mongoose';
import type { TaskDoc } from './task-model';

/** The reads of tasks; every one an equality on a stored field (docs/tasks.md, "Queries"). */
export class TaskRepository {
  constructor(readonly model: Model<TaskDoc>) {}

  byId(id: string): Promise<TaskDoc | null> {
    return this.model.findById(id).lean<TaskDoc>().exec();
  }

  /** The live episode of a rule's situation (at most one: it is started under the situation's lock). */
  liveOf(situation: string): Promise<TaskDoc | null> {
    return this.model.findOne({ situation }).lean<TaskDoc>().exec();
  }

  /** Episodes whose clock ends within the UTC hour `hour` (`2026-12-07T14`). */
  waitingIn(hour: string): Promise<Pick<TaskDoc, '_id' | 'fireAt' | 'state'>[]> {
    return this.model.find({ fireHour: hour }, { _id: 1, fireAt: 1, state: 1 }).lean<Pick<TaskDoc, '_id' | 'fireAt' | 'state'>[]>().exec();
  }

  /** The tasks to do (open or claimed), of one assignee or of all. */
  todo(assignee?: string): Promise<TaskDoc[]> {
    return this.model
      .find(assignee ? { todo: true, assignee } : { todo: true }, taskFields)
      .lean<TaskDoc[]>()
      .exec();
  }

  closedOn(day: string): Promise<TaskDoc[]> {
    return this.model.find({ closedDay: day }, taskFields).lean<TaskDoc[]>().exec();
  }

  redFlags(): Promise<TaskDoc[]> {
    return this.model.find({ redFlag: true }, taskFields).lean<TaskDoc[]>().exec();
  }

  ofOrder(orderId: string): Promise<TaskDoc[]> {
    return this.model.find({ orderId }, taskFields).lean<TaskDoc[]>().exec();
  }
}

// Lists leave out the aggregate's bookkeeping (processed ids, sent events).
const taskFields = { processed: 0, sent: 0, sentBy: 0, outbox: 0, fence: 0 };
