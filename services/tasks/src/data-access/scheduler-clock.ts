import { Schema, type Connection, type Model } from 'mongoose';

interface ClockDoc {
  _id: string;
  /** The UTC hour the scheduler's last pass reached: the next pass reads from it on (docs/tasks.md). */
  hour: string;
}

const schema = new Schema<ClockDoc>({ _id: String, hour: { type: String, required: true } }, { versionKey: false, collection: 'scheduler_clock' });

/** Where the scheduler stands, kept in the store so that a restart (of any replica) goes on from there. */
export class SchedulerClock {
  private readonly model: Model<ClockDoc>;

  constructor(db: Connection) {
    this.model = db.model<ClockDoc>('SchedulerClock', schema);
  }

  async hour(): Promise<string | undefined> {
    return (await this.model.findById('rules').lean<ClockDoc>().exec())?.hour;
  }

  async reached(hour: string): Promise<void> {
    await this.model.updateOne({ _id: 'rules' }, { $set: { hour } }, { upsert: true }).exec();
  }
}
