import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';

/** A stored API key: only the SHA-256 of the key is kept; the key itself is shown once, at creation. */
export interface ApiKeyDocument {
  _id: string;
  name: string;
  roles: string[];
  /** Hex SHA-256 of the whole key. */
  hash: string;
  createdAt: string;
  createdBy: string;
  revokedAt?: string | null;
  revokedBy?: string | null;
}

const apiKeySchema = new Schema<ApiKeyDocument>(
  {
    _id: { type: String },
    name: { type: String, required: true },
    roles: { type: [String], required: true },
    hash: { type: String, required: true },
    createdAt: { type: String, required: true },
    createdBy: { type: String, required: true },
    revokedAt: { type: String, default: null },
    revokedBy: { type: String, default: null },
  },
  { versionKey: false },
);
// A presented key is found by its hash; two keys with the same hash would be one key.
apiKeySchema.index({ hash: 1 }, { unique: true });

export type ApiKeyModel = Model<ApiKeyDocument>;

export function apiKeyModel(db: Connection): ApiKeyModel {
  return db.model<ApiKeyDocument>('ApiKey', apiKeySchema, 'api_keys');
}

/** Every generated key starts with this, so a stored-key lookup is skipped for anything else. */
export const KEY_PREFIX = 'oms_';

/**
 * SHA-256, not a slow password hash (bcrypt, scrypt): the keys are 256 random bits, not passwords a person
 * chose, so there is no dictionary to try and a brute force of the hash is as hopeless as guessing the key.
 * A fast hash keeps the per-request check cheap and allows a lookup by hash with a unique index.
 */
export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export const newApiKey = () => `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

export type ApiKeyView = Omit<ApiKeyDocument, '_id' | 'hash'> & { id: string };

const toView = ({ _id, hash: _hash, ...rest }: ApiKeyDocument): ApiKeyView => ({
  id: _id,
  ...rest,
  revokedAt: rest.revokedAt ?? null,
  revokedBy: rest.revokedBy ?? null,
});

/** The gateway's own key store (its own database). */
export class ApiKeyRepository {
  constructor(readonly model: ApiKeyModel) {}

  /** Creates a key; the plain key is returned here and nowhere else. */
  async create(name: string, roles: string[], createdBy: string): Promise<{ view: ApiKeyView; key: string }> {
    const key = newApiKey();
    const doc: ApiKeyDocument = {
      _id: randomUUID(),
      name,
      roles,
      hash: hashApiKey(key),
      createdAt: new Date().toISOString(),
      createdBy,
      revokedAt: null,
      revokedBy: null,
    };
    await this.model.create(doc);
    return { view: toView(doc), key };
  }

  async findByHash(hash: string): Promise<ApiKeyDocument | null> {
    return this.model.findOne({ hash }).lean<ApiKeyDocument>();
  }

  async list(): Promise<ApiKeyView[]> {
    const docs = await this.model.find({}).sort({ createdAt: 1 }).lean<ApiKeyDocument[]>();
    return docs.map(toView);
  }

  /** Sets revokedAt once (a second revocation keeps the first time); false when there is no such key. */
  async revoke(id: string, by: string): Promise<boolean> {
    const found = await this.model.exists({ _id: id });
    if (!found) return false;
    await this.model.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: new Date().toISOString(), revokedBy: by } });
    return true;
  }
}
