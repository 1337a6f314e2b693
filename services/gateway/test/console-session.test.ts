import { MongoClient } from 'mongodb';
import request from 'supertest';
import { TestStack, type RunningService } from '@oms/testing';
import { definition } from '../src/service';
import { gatewayEnv, TEST_BOOTSTRAP_KEY } from './gateway-env';
import type { GatewayConfig } from '../src/config';

const ops = { Authorization: `Bearer ${TEST_BOOTSTRAP_KEY}` };

/** The console's users, sign-in, session cookie and CSRF check, and the console's own files. */
describe('console users and sessions', () => {
  let stack: TestStack;
  let gateway: RunningService<GatewayConfig>;
  let mongo: MongoClient;
  const app = () => request(gateway.app);

  /** Sign in; answers the cookie header to send and the session's CSRF token. */
  const signIn = async (body: object) => {
    const res = await app().post('/v1/session').send(body).expect(201);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const cookie = setCookie.find((c) => c.startsWith('oms_session='))!;
    return { cookie: cookie.split(';')[0]!, setCookie: cookie, csrf: res.body.csrfToken as string, body: res.body };
  };

  beforeAll(async () => {
    stack = await TestStack.create();
    gateway = await stack.start(definition, gatewayEnv());
    mongo = await MongoClient.connect(stack.mongoUrl('gateway'));
    await app()
      .put('/v1/users/mia')
      .set(ops)
      .send({ name: 'Mia Meier', roles: ['ops'], password: 'a long enough passphrase', locale: 'de' })
      .expect(200);
  });

  afterAll(async () => {
    await mongo?.close();
    await stack?.cleanup();
  });

  it('when ops create a user, then only a scrypt hash of the password is stored, and bad users are refused with each field named', async () => {
    const stored = await mongo
      .db()
      .collection('users')
      .findOne({ _id: 'mia' as never });
    expect(stored).toMatchObject({ name: 'Mia Meier', roles: ['ops'], locale: 'de', disabled: false, updatedBy: 'api-key:bootstrap' });
    expect(stored!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(JSON.stringify(stored)).not.toContain('a long enough passphrase');
    const listed = await app().get('/v1/users').set(ops).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ username: 'mia', name: 'Mia Meier' })]);
    expect(JSON.stringify(listed.body)).not.toContain('scrypt');

    const bad = await app()
      .put('/v1/users/BadName')
      .set(ops)
      .send({ name: '', roles: ['boss'], password: 'short' })
      .expect(422);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['name', 'password', 'roles.0']);
    const badName = await app()
      .put('/v1/users/BadName')
      .set(ops)
      .send({ name: 'Bad', roles: ['ops'], password: 'a long enough passphrase' })
      .expect(422);
    expect(badName.body.errors).toEqual([{ path: 'username', message: 'lower-case letters, digits, . _ -; 2 to 64' }]);
    const noPassword = await app()
      .put('/v1/users/neo')
      .set(ops)
      .send({ name: 'Neo', roles: ['ops'] })
      .expect(422);
    expect(noPassword.body.errors).toEqual([{ path: 'password', message: 'required for a new user' }]);
    const channelKey = (
      await app()
        .post('/v1/api-keys')
        .set(ops)
        .send({ name: 'shop', roles: ['channel:shop'] })
        .expect(201)
    ).body.key;
    await app()
      .put('/v1/users/eve')
      .set({ Authorization: `Bearer ${channelKey}` })
      .send({ name: 'Eve', roles: ['ops'], password: 'a long enough passphrase' })
      .expect(403);
  });

  it('when a user signs in, then the session cookie is http-only, Secure and SameSite=Strict, and the session works like a key with the user’s roles', async () => {
    const { cookie, setCookie, csrf, body } = await signIn({ username: 'Mia', password: 'a long enough passphrase' });
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(body).toMatchObject({ actor: 'user:mia', name: 'Mia Meier', roles: ['ops'], locale: 'de', via: 'password' });
    expect((await app().get('/v1/session').set('Cookie', cookie).expect(200)).body).toMatchObject({ actor: 'user:mia', csrfToken: csrf });
    await app().get('/v1/users').set('Cookie', cookie).expect(200);

    // A change needs the session's CSRF token: without it (what another site's form would send) it is refused.
    const change = { name: 'Mia Meier', roles: ['ops'], locale: 'en' };
    const refused = await app().put('/v1/users/mia').set('Cookie', cookie).send(change).expect(403);
    expect(refused.body.detail).toMatch(/CSRF/);
    await app().put('/v1/users/mia').set('Cookie', cookie).set('X-CSRF-Token', 'wrong').send(change).expect(403);
    const changed = await app().put('/v1/users/mia').set('Cookie', cookie).set('X-CSRF-Token', csrf).send(change).expect(200);
    expect(changed.body).toMatchObject({ locale: 'en', updatedBy: 'user:mia' });

    await app().delete('/v1/session').set('Cookie', cookie).expect(204);
    await app().get('/v1/users').set('Cookie', cookie).expect(401);
    await app().get('/v1/session').set('Cookie', cookie).expect(204);
  });

  it('when the password or the key is wrong, then sign-in is a 401 that does not say which; the bootstrap key signs in as ops', async () => {
    const wrong = await app().post('/v1/session').send({ username: 'mia', password: 'not the passphrase' }).expect(401);
    const unknown = await app().post('/v1/session').send({ username: 'nobody', password: 'not the passphrase' }).expect(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    await app().post('/v1/session').send({ apiKey: 'oms_not-a-key' }).expect(401);
    await app().post('/v1/session').send({ username: 'mia' }).expect(422);
    const { body } = await signIn({ apiKey: TEST_BOOTSTRAP_KEY });
    expect(body).toMatchObject({ actor: 'api-key:bootstrap', roles: ['ops'], via: 'api-key' });
  });

  it('when a disabled user signs in, then it is refused like a wrong password', async () => {
    await app()
      .put('/v1/users/old')
      .set(ops)
      .send({ name: 'Old Account', roles: ['ops'], password: 'a long enough passphrase', disabled: true })
      .expect(200);
    await app().post('/v1/session').send({ username: 'old', password: 'a long enough passphrase' }).expect(401);
  });

  it('when someone guesses passwords, then past ten attempts in a minute from one address sign-in answers 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (
          await app()
            .post('/v1/session')

            .send({ username: 'mia', password: `guess ${i}` })
        ).status,
      );
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(1);
    expect(statuses[statuses.length - 1]).toBe(429);
  });

  it('when the console is asked for, then its page comes with a strict content security policy, for any path under /console', async () => {
    for (const path of ['/console', '/console/', '/console/orders/123']) {
      const res = await app().get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('/console/app.js');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    const script = await app().get('/console/app.js').expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });
});
