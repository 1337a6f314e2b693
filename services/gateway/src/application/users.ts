import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError, notFound } from '@oms/errors';
import type { KeyResolver } from './api-keys';
import type { SessionRecord, SessionStore } from '../data-access/sessions';
import { toUserView, type UserRepository, type UserView } from '../data-access/users';
import type { Principal } from '../domain/access/principal';

/**
 * scrypt, the memory-hard function node:crypto ships: N = 2^15, r = 8 (32 MiB and about 100 ms per hash
 * on the development machines), so a stolen hash costs an attacker that much memory and time per guess.
 * The parameters are stored with each hash, so they can be raised later without losing the old passwords.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  const expected = Buffer.from(hash, 'base64url');
  return expected.length === key.length && timingSafeEqual(expected, key);
}

export type { SessionRecord } from '../data-access/sessions';

/** A hash to compare against when the user does not exist: a wrong username takes as long as a wrong password. */
let decoyHash: Promise<string> | undefined;

export interface UserChange {
  name: string;
  roles: string[];
  /** Absent: the password stays as it is (required for a new user). */
  password?: string;
  locale?: 'de' | 'en';
  disabled?: boolean;
}

/** Console users (ops create them) and their sign-in, which opens a session. */
export class Users {
  constructor(
    private readonly repository: UserRepository,
    private readonly sessions: SessionStore,
    private readonly keys: KeyResolver,
  ) {}

  async put(username: string, change: UserChange, by: string): Promise<UserView> {
    const existing = await store(() => this.repository.byUsername(username));
    if (!existing && !change.password)
      throw new AppError(422, 'Unprocessable Content', 'A new user needs a password', [{ path: 'password', message: 'required for a new user' }]);
    const passwordHash = change.password ? await hashPassword(change.password) : existing!.passwordHash;
    const saved = await store(() =>
      this.repository.put(username, {
        name: change.name,
        roles: [...new Set(change.roles)],
        passwordHash,
        ...(change.locale ? { locale: change.locale } : existing?.locale ? { locale: existing.locale } : {}),
        disabled: change.disabled ?? existing?.disabled ?? false,
        updatedAt: new Date().toISOString(),
        updatedBy: by,
      }),
    );
    return toUserView(saved);
  }

  async list(): Promise<UserView[]> {
    return (await store(() => this.repository.list())).map(toUserView);
  }

  async get(username: string): Promise<UserView> {
    const found = await store(() => this.repository.byUsername(username));
    if (!found) throw notFound(`User ${username}`);
    return toUserView(found);
  }

  /** A user's password, or an API key (the bootstrap ops key's first sign-in): a session, or 401 either way. */
  async signIn(credentials: { username: string; password: string } | { apiKey: string }): Promise<{ token: string; session: SessionRecord }> {
    const session = 'apiKey' in credentials ? await this.byKey(credentials.apiKey) : await this.byPassword(credentials.username, credentials.password);
    if (!session) throw new AppError(401, 'Unauthorized', 'The username or password (or the key) is not valid');
    const token = randomBytes(32).toString('base64url');
    await store(() => this.sessions.create(token, session));
    return { token, session };
  }

  async session(token: string): Promise<SessionRecord | undefined> {
    return store(() => this.sessions.get(token));
  }

  async signOut(token: string): Promise<void> {
    await store(() => this.sessions.delete(token));
  }

  private async byPassword(username: string, password: string): Promise<SessionRecord | undefined> {
    const user = await store(() => this.repository.byUsername(username.toLowerCase()));
    decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    if (!user || !matches || user.disabled) return undefined;
    return newSession({ actor: `user:${user._id}`, roles: user.roles }, user.name, 'password', user.locale);
  }

  private async byKey(key: string): Promise<SessionRecord | undefined> {
    const principal = await this.keys(key);
    return principal ? newSession(principal, principal.actor, 'api-key') : undefined;
  }
}

function newSession(principal: Principal, name: string, via: SessionRecord['via'], locale?: string): SessionRecord {
  return { ...principal, name, via, ...(locale ? { locale } : {}), csrfToken: randomBytes(24).toString('base64url'), createdAt: new Date().toISOString() };
}

async function store<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(503, 'Service Unavailable', 'The user or session store is unavailable; try again shortly');
  }
}
