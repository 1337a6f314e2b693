import { hostname } from 'node:os';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import type { EventType, MessageData } from '@oms/contracts';
import { buildEnvelope } from '@oms/messaging';
import { eventually, rabbitmqctl, startWebhookReceiver, TestBus, TestStack, type RunningService, type WebhookReceiver } from '@oms/testing';
import { verifySignature } from '../../carrier/src/domain/signature';
import { definition } from '../src/service';
import { gatewayEnv, TEST_BOOTSTRAP_KEY } from './gateway-env';
import type { GatewayConfig } from '../src/config';

const ops = { Authorization: `Bearer ${TEST_BOOTSTRAP_KEY}` };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const SECRET = 'receiver-secret-0123456789-abcdef';

/** An event as ingestion or the carrier service publishes it: its envelope, with the id the test chooses. */
const envelope = <T extends EventType>(type: T, data: MessageData<T>, id?: string) =>
  buildEnvelope(type === 'shipment.booked.v1' ? 'carrier' : 'ingestion', type, data, { correlationId: 'order', ...(id ? { id } : {}) });
let orders = 0;
const confirmed = (channel: string) => {
  orders++;
  return envelope('notification.order-confirmed.v1', { orderId: `order-${orders}`, channel, externalId: `EXT-${orders}` });
};

describe('webhook subscriptions and deliveries (a gateway that allows http to 127.0.0.1, fast retries)', () => {
  let stack: TestStack;
  let gateway: RunningService<GatewayConfig>;
  let bus: TestBus;
  let receiver: WebhookReceiver;
  const keys: Record<string, string> = {};

  const api = () => request(gateway.app);
  const subscribe = async (key: string, body: Record<string, unknown>) => api().post('/v1/webhook-subscriptions').set(bearer(key)).send(body);
  const log = async (key: string, id: string, query = '') => api().get(`/v1/webhook-subscriptions/${id}/deliveries${query}`).set(bearer(key));
  const deliveryOf = async (key: string, id: string, eventId: string, done: (d: any) => boolean) =>
    eventually(async () => {
      const found = (await log(key, id)).body.items?.find((d: any) => d.eventId === eventId);
      return found && done(found) && found;
    }, 10000);

  beforeAll(async () => {
    stack = await TestStack.create();
    gateway = await stack.start(
      definition,
      gatewayEnv({
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        // Fast retries: 200 ms, then every 400 ms, for 1.5 s (the defaults are minutes to hours over 24 h).
        WEBHOOK_RETRY_DELAYS_MS: '200,400',
        WEBHOOK_RETRY_WINDOW_MS: '1500',
        WEBHOOK_SWEEP_MS: '100',
        WEBHOOK_TIMEOUT_MS: '2000',
        // A receiver that keeps failing opens its breaker; the redelivery test finds it half-open again soon.
        WEBHOOK_BREAKER_RESET_MS: '300',
      }),
    );
    bus = await TestBus.open(stack.amqpUrl, ['webhook.#']);
    receiver = await startWebhookReceiver();
    for (const role of ['channel:webshop', 'channel:marketplace', 'partner:sandbox']) {
      const res = await api()
        .post('/v1/api-keys')
        .set(ops)
        .send({ name: role, roles: [role] });
      keys[role] = res.body.key;
    }
  });

  afterAll(async () => {
    await receiver?.close();
    await bus?.close();
    await stack?.cleanup();
  });

  it('when a channel key subscribes, then it gets 201 with a Location and a generated secret shown once, never again', async () => {
    const res = await subscribe(keys['channel:webshop'], { url: receiver.url('/created'), eventTypes: ['notification.order-confirmed.v1'] });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/webhook-subscriptions/${res.body.id}`);
    expect(res.body).toMatchObject({ scope: 'channel:webshop', eventTypes: ['notification.order-confirmed.v1'], active: true, url: receiver.url('/created') });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const again = await api().get(`/v1/webhook-subscriptions/${res.body.id}`).set(bearer(keys['channel:webshop']));
    expect(again.status).toBe(200);
    expect(JSON.stringify(again.body)).not.toContain(res.body.secret);
    const list = await api().get('/v1/webhook-subscriptions').set(bearer(keys['channel:webshop']));
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
  });

  it('when an event of its channel is published, then the receiver gets the public envelope signed as our inbound webhooks, and another channel’s event never', async () => {
    const sub = (await subscribe(keys['channel:webshop'], { url: receiver.url('/signed'), eventTypes: ['notification.order-confirmed.v1'], secret: SECRET }))
      .body;
    const other = confirmed('marketplace');
    const own = confirmed('webshop');
    await bus.broker.publishEnvelope(other);
    await bus.broker.publishEnvelope(own);

    const got = await eventually(() => receiver.received.find((r) => r.body.id === own.id && r.path === '/signed'));
    expect(got.body).toEqual({ id: own.id, type: 'notification.order-confirmed.v1', occurredAt: own.occurredAt, data: own.data });
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['oms-event-type']).toBe('notification.order-confirmed.v1');
    expect(got.headers['oms-event-id']).toBe(own.id);
    expect(got.headers).not.toHaveProperty('traceparent');
    expect(verifySignature({ header: String(got.headers['oms-signature']), rawBody: got.rawBody, secret: SECRET })).toEqual({ valid: true });

    const delivery = await deliveryOf(keys['channel:webshop'], sub.id, own.id, (d) => d.status === 'delivered');
    expect(delivery).toMatchObject({ eventType: 'notification.order-confirmed.v1', nextAttemptAt: null, attempts: [{ statusCode: 200, trigger: 'first' }] });
    expect(receiver.received.filter((r) => r.body.id === other.id)).toEqual([]);
    expect((await log(keys['channel:webshop'], sub.id)).body.items.map((d: any) => d.eventId)).not.toContain(other.id);
  });

  it('when the receiver answers 500 and then 200, then the delivery is retried after the backoff and delivered; the log shows both attempts', async () => {
    const flaky = await startWebhookReceiver();
    const sub = (await subscribe(keys['channel:webshop'], { url: flaky.url('/flaky'), eventTypes: ['notification.order-confirmed.v1'], secret: SECRET })).body;
    flaky.answerNext(500);
    const event = confirmed('webshop');
    await bus.broker.publishEnvelope(event);
    const delivery = await deliveryOf(keys['channel:webshop'], sub.id, event.id, (d) => d.status === 'delivered');
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ statusCode: 500, trigger: 'first' }),
      expect.objectContaining({ statusCode: 200, trigger: 'retry' }),
    ]);
    // The retry waited for its delay (200 ms), measured between the two attempts.
    expect(Date.parse(delivery.attempts[1].at) - Date.parse(delivery.attempts[0].at)).toBeGreaterThanOrEqual(200);
    const copies = flaky.received.filter((r) => r.body.id === event.id);
    expect(copies).toHaveLength(2);
    expect(copies[0].rawBody).toBe(copies[1].rawBody);
    await flaky.close();
  });

  it('when the receiver never succeeds, then the delivery is retried with growing delays and ends failed when the window is over; a redelivery then delivers it', async () => {
    const failing = await startWebhookReceiver();
    try {
      failing.answerAlways(503);
      const sub = (await subscribe(keys['channel:webshop'], { url: failing.url('/down'), eventTypes: ['notification.order-confirmed.v1'], secret: SECRET }))
        .body;
      const event = confirmed('webshop');
      await bus.broker.publishEnvelope(event);
      const failed = await deliveryOf(keys['channel:webshop'], sub.id, event.id, (d) => d.status === 'failed');
      // Attempts at about 0, 200, 600, 1000 and 1400 ms, and the last one at the end of the 1.5 s window.
      expect(failed.attempts.length).toBeGreaterThanOrEqual(4);
      expect(failed.attempts.every((a: any) => a.statusCode === 503)).toBe(true);
      const times = failed.attempts.map((a: any) => Date.parse(a.at));
      expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(1400);
      expect(failed).toMatchObject({ nextAttemptAt: null, retryUntil: null, failedAt: expect.any(String) });
      const onlyFailed = await log(keys['channel:webshop'], sub.id, '?status=failed');
      expect(onlyFailed.body.items.map((d: any) => d.id)).toEqual([failed.id]);
      // The give-up is announced once (the tasks service opens a task for ops from it).
      const announced = await eventually(() => bus.tap.events('webhook.delivery-failed.v1').filter((e) => e.data.deliveryId === failed.id));
      expect(announced).toHaveLength(1);
      expect(announced[0].data).toMatchObject({
        subscriptionId: sub.id,
        eventType: 'notification.order-confirmed.v1',
        url: failing.url('/down'),
        attempts: failed.attempts.length,
        lastOutcome: 'HTTP 503',
      });

      failing.answerAlways(200);
      const redelivered = await api().post(`/v1/webhook-subscriptions/${sub.id}/deliveries/${failed.id}/redeliver`).set(bearer(keys['channel:webshop']));
      expect(redelivered.status).toBe(202);
      expect(redelivered.body).toMatchObject({ id: failed.id, redeliveries: 1 });
      const delivered = await deliveryOf(keys['channel:webshop'], sub.id, event.id, (d) => d.status === 'delivered');
      // Attempted at once on redelivery (refused fast while the receiver's breaker is still open), then until delivered.
      const since = delivered.attempts.slice(failed.attempts.length);
      expect(since[0]).toMatchObject({ trigger: 'redelivery' });
      expect(since[since.length - 1]).toMatchObject({ statusCode: 200 });
      // The receiver works again: announced once (the task the give-up opened closes itself).
      const recovered = await eventually(() => bus.tap.events('webhook.delivery-recovered.v1').filter((e) => e.data.deliveryId === failed.id));
      expect(recovered).toHaveLength(1);
      expect(recovered[0].data).toMatchObject({ subscriptionId: sub.id, url: failing.url('/down'), deliveredAt: since[since.length - 1].at });
    } finally {
      await failing.close();
    }
  });

  it('when the same event arrives twice (a redelivered message), then it is delivered once', async () => {
    const sub = (await subscribe(keys['channel:webshop'], { url: receiver.url('/once'), eventTypes: ['notification.order-confirmed.v1'], secret: SECRET }))
      .body;
    const event = confirmed('webshop');
    await bus.broker.publishEnvelope(event);
    await bus.broker.publishEnvelope(event);
    await deliveryOf(keys['channel:webshop'], sub.id, event.id, (d) => d.status === 'delivered');
    // Both copies were handled once the queue holds nothing, not even unacknowledged: no second delivery may follow.
    await eventually(async () => {
      const line = (await rabbitmqctl('list_queues', '-p', stack.vhost, 'name', 'messages', 'messages_unacknowledged'))
        .split('\n')
        .find((l) => l.startsWith('gateway.webhooks\t'));
      return line?.endsWith('\t0\t0');
    });
    const items = (await log(keys['channel:webshop'], sub.id)).body.items.filter((d: any) => d.eventId === event.id);
    expect(items).toHaveLength(1);
    expect(receiver.received.filter((r) => r.body.id === event.id && r.path === '/once')).toHaveLength(1);
  });

  it('when a partner key subscribes to shipment events, then it gets its carrier’s bookings only, without other carriers’ rates', async () => {
    const sub = (await subscribe(keys['partner:sandbox'], { url: receiver.url('/partner'), eventTypes: ['shipment.booked.v1'], secret: SECRET })).body;
    expect(sub.scope).toBe('partner:sandbox');
    const rate = {
      carrierId: 'sandbox',
      serviceId: 'std',
      level: 'standard' as const,
      price: 495,
      currency: 'EUR',
      transitDays: 2,
      alternatives: ['dhl/std 6.10 EUR'],
    };
    const own = envelope('shipment.booked.v1', { orderId: 'o-p1', shipmentId: 's-p1', carrierId: 'sandbox', trackingNumber: 'SBX1', rate });
    const other = envelope('shipment.booked.v1', { orderId: 'o-p2', shipmentId: 's-p2', carrierId: 'dhl', trackingNumber: 'DHL1' });
    await bus.broker.publishEnvelope(other);
    await bus.broker.publishEnvelope(own);
    const got = await eventually(() => receiver.received.find((r) => r.body.id === own.id && r.path === '/partner'));
    const { alternatives: _alternatives, ...chosen } = rate;
    expect(got.body.data).toEqual({ orderId: 'o-p1', shipmentId: 's-p1', carrierId: 'sandbox', trackingNumber: 'SBX1', rate: chosen });
    await deliveryOf(keys['partner:sandbox'], sub.id, own.id, (d) => d.status === 'delivered');
    expect((await log(keys['partner:sandbox'], sub.id)).body.items.map((d: any) => d.eventId)).toEqual([own.id]);
  });

  it('when another tenant asks for a subscription, its log, a redelivery or a delete, then 404; lists show their own only', async () => {
    const sub = (await subscribe(keys['channel:webshop'], { url: receiver.url('/private'), eventTypes: ['notification.delivered.v1'] })).body;
    const stranger = bearer(keys['channel:marketplace']);
    expect((await api().get(`/v1/webhook-subscriptions/${sub.id}`).set(stranger)).status).toBe(404);
    expect((await api().get(`/v1/webhook-subscriptions/${sub.id}/deliveries`).set(stranger)).status).toBe(404);
    expect((await api().post(`/v1/webhook-subscriptions/${sub.id}/deliveries/x/redeliver`).set(stranger)).status).toBe(404);
    expect((await api().delete(`/v1/webhook-subscriptions/${sub.id}`).set(stranger)).status).toBe(404);
    expect((await api().get('/v1/webhook-subscriptions').set(stranger)).body).toEqual([]);
    const own = (await api().get('/v1/webhook-subscriptions').set(bearer(keys['channel:webshop']))).body;
    expect(own.every((s: any) => s.scope === 'channel:webshop')).toBe(true);
    expect((await api().get(`/v1/webhook-subscriptions/${sub.id}`).set(ops)).status).toBe(200);
    expect((await api().delete(`/v1/webhook-subscriptions/${sub.id}`).set(bearer(keys['channel:webshop']))).status).toBe(204);
    expect((await api().get(`/v1/webhook-subscriptions/${sub.id}`).set(bearer(keys['channel:webshop']))).status).toBe(404);
  });

  it('when the input is wrong, then 4xx problem+json names each field', async () => {
    const wrongTypes = await subscribe(keys['channel:webshop'], { url: receiver.url(), eventTypes: ['order.received.v1', 'shipment.booked.v1'] });
    expect(wrongTypes.status).toBe(422);
    expect(wrongTypes.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrongTypes.body.errors.map((e: any) => e.path)).toContain('eventTypes.0');
    const notForChannels = await subscribe(keys['channel:webshop'], { url: receiver.url(), eventTypes: ['shipment.booked.v1'] });
    expect(notForChannels.status).toBe(422);
    expect(notForChannels.body.errors).toEqual([{ path: 'eventTypes.0', message: expect.stringContaining('not an event of a channel') }]);
    const shortSecret = await subscribe(keys['channel:webshop'], { url: receiver.url(), eventTypes: ['notification.shipped.v1'], secret: 'short' });
    expect(shortSecret.status).toBe(422);
    expect(shortSecret.body.errors.map((e: any) => e.path)).toEqual(['secret']);
    const foreign = await subscribe(keys['channel:webshop'], { url: receiver.url(), eventTypes: ['notification.shipped.v1'], scope: 'channel:marketplace' });
    expect(foreign.status).toBe(403);
    const badUrl = await subscribe(keys['channel:webshop'], { url: 'ftp://example.com/x', eventTypes: ['notification.shipped.v1'] });
    expect(badUrl.status).toBe(422);
    expect(badUrl.body.errors).toEqual([{ path: 'url', message: expect.stringContaining('https') }]);
  });
});

describe('webhook URLs with the defaults (https only, public addresses only)', () => {
  let stack: TestStack;
  let gateway: RunningService<GatewayConfig>;
  let bus: TestBus;
  let receiver: WebhookReceiver;
  let mongo: MongoClient;
  let channelKey: string;

  beforeAll(async () => {
    stack = await TestStack.create();
    gateway = await stack.start(definition, gatewayEnv({ WEBHOOK_SWEEP_MS: '100', WEBHOOK_RETRY_DELAYS_MS: '100', WEBHOOK_RETRY_WINDOW_MS: '300' }));
    bus = await TestBus.open(stack.amqpUrl, []);
    receiver = await startWebhookReceiver();
    mongo = await MongoClient.connect(stack.mongoUrl('gateway'));
    channelKey = (
      await request(gateway.app)
        .post('/v1/api-keys')
        .set(ops)
        .send({ name: 'shop', roles: ['channel:webshop'] })
    ).body.key;
  });

  afterAll(async () => {
    await mongo?.close();
    await receiver?.close();
    await bus?.close();
    await stack?.cleanup();
  });

  it.each([
    [`https://127.0.0.1:4443/hook`, 'loopback'],
    ['https://localhost/hook', 'loopback'],
    ['https://localhost./hook', 'loopback'],
    ['https://[::1]/hook', 'loopback'],
    ['https://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['https://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://10.1.2.3/hook', 'private'],
    ['https://192.168.0.10/hook', 'private'],
    ['https://100.64.1.1/hook', 'carrier-grade NAT'],
    ['https://[fd00::1]/hook', 'unique local'],
    ['http://example.com/hook', 'https'],
  ])('when the URL is %s, then 422 names the url field (%s)', async (url, why) => {
    const res = await request(gateway.app)
      .post('/v1/webhook-subscriptions')
      .set(bearer(channelKey))
      .send({ url, eventTypes: ['notification.delivered.v1'] });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([{ path: 'url', message: expect.stringContaining(why) }]);
  });

  // The machine's own name resolves to one of its addresses (loopback or private here), which a public name might
  // turn into after it was checked (DNS rebinding): the check at delivery time refuses it.
  it('when a stored subscription’s host resolves to a loopback or private address at delivery (DNS changed since), then the attempt is refused and nothing is sent', async () => {
    // As if it had resolved to a public address when it was made: stored directly, past the subscription check.
    const id = 'rebound-subscription';
    await mongo
      .db()
      .collection('webhook_subscriptions')
      .insertOne({
        _id: id as never,
        scope: 'channel:webshop',
        eventTypes: ['notification.delivered.v1'],
        url: `https://${hostname()}:${receiver.port}/hook`,
        secret: SECRET,
        active: true,
        createdAt: new Date().toISOString(),
        createdBy: 'test',
        deletedAt: null,
        deletedBy: null,
      });
    const event = envelope('notification.delivered.v1', { orderId: 'o-r1', channel: 'webshop', externalId: 'R-1' });
    await bus.broker.publishEnvelope(event);
    const failed = await eventually(async () => {
      const items = (await request(gateway.app).get(`/v1/webhook-subscriptions/${id}/deliveries`).set(bearer(channelKey))).body.items;
      return items?.[0]?.status === 'failed' && items[0];
    });
    expect(failed.attempts[0]).toEqual(
      expect.objectContaining({
        error: expect.stringMatching(new RegExp(`^refused: ${hostname().replace(/\./g, '\\.')} resolves to .* (loopback|private) address`)),
      }),
    );
    expect(failed.attempts.every((a: any) => a.statusCode === undefined)).toBe(true);
    expect(receiver.received).toEqual([]);
  });
});
