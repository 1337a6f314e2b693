import { Schema, type Connection, type Model } from 'mongoose';

/** A console user: the password only as its scrypt hash (application/users.ts). */
export interface UserDocument {
  /** The username, lower case. */
  _id: string;
  name: string;
  roles: string[];
  passwordHash: string;
  /** `de` or `en`: the console's language for this user (the browser's until set). */
  locale?: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

const userSchema = new Schema<UserDocument>(
  {
    _id: { type: String },
    name: { type: String, required: true },
    roles: { type: [String], required: true },
    passwordHash: { type: String, required: true },
    locale: String,
    disabled: { type: Boolean, required: true },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    updatedBy: { type: String, required: true },
  },
  { versionKey: false, collection: 'users' },
);

export type UserView = Omit<UserDocument, '_id' | 'passwordHash'> & { username: string };

export const toUserView = ({ _id, passwordHash: _hash, ...rest }: UserDocument): UserView => ({ username: _id, ...rest });

/** The gateway's own user store (its own database), beside its API keys. */
export class UserRepository {
  readonly model: Model<UserDocument>;

  constructor(db: Connection) {
    this.model = db.model<UserDocument>('User', userSchema);
  }

  byUsername(username: string): Promise<UserDocument | null> {
    return this.model.findById(username).lean<UserDocument>().exec();
  }

  /** Create or replace what is given (one `$set`: the document is never read and written back). */
  async put(username: string, fields: Omit<UserDocument, '_id' | 'createdAt'>): Promise<UserDocument> {
    const now = fields.updatedAt;
    await this.model.updateOne({ _id: username }, { $set: fields, $setOnInsert: { createdAt: now } }, { upsert: true }).exec();
    return (await this.byUsername(username))!;
  }

  /** A few dozen people run an OMS's console: the list is read whole. */
  async list(): Promise<UserDocument[]> {
    return this.model.find().sort({ _id: 1 }).lean<UserDocument[]>().exec();
  }
}
