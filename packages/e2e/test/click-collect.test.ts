import request from 'supertest';
import type { MessageData } from '@oms/contracts';
import { BrokerTap, eventually, sampleOrder } from '@oms/testing';
import { startCluster, type Cluster } from './cluster';

/**
 * Click & collect through the gateway with a store's key, on a cluster of its own: its pickup sweep runs every
 * 300 ms with reminders after ~2 s and expiry after ~5 s (PICKUP_* in days), which the shared cluster must not.
 */
describe('click & collect', () => {
  let cluster: Cluster;
  let tap: BrokerTap;
  let storeKey: { Authorization: string };
  const api = () => request(cluster.gatewayUrl);
  const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
  const channel = 'collect-shop';
  const store = 'store-mitte';
  const getOrder = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth()).expect(200)).body;
  const waitFor = (id: string, test: (o: any) => boolean, timeoutMs = 30000) =>
    eventually(async () => {
      const o = await getOrder(id);
      return test(o) && o;
    }, timeoutMs);
  const placePickup = async (externalId: string) => {
    const order = sampleOrder({ channel, externalId, lines: [{ sku: 'CC-VASE', quantity: 1, unitPrice: 3900 }] });
    order.shipping = { method: 'pickup', price: 0, pickupLocationId: store };
    order.payment = { ...order.payment, amount: 3900 };
    const id = (await api().post('/v1/orders').set(auth()).send(order).expect(202)).body.id as string;
    await waitFor(id, (o) => o.status === 'ready_to_fulfill' && o.fulfillments.length === 1 && !o.fulfillments[0].id.startsWith('pending:'));
    const [f] = (await api().get(`/v1/fulfillments?orderId=${id}`).set(auth()).expect(200)).body;
    return { id, fulfillmentId: f.id as string, pickup: f.pickup as boolean };
  };
  const codeFor = async (orderId: string) =>
    (
      (await eventually(() =>
        tap
          .of<MessageData<'fulfillment.ready-for-pickup.v1'>>('fulfillment.ready-for-pickup.v1')
          .filter((e) => e.data.orderId === orderId)
          .pop(),
      )) as {
        data: MessageData<'fulfillment.ready-for-pickup.v1'>;
      }
    ).data.pickupCode;

  beforeAll(async () => {
    cluster = await startCluster({ env: { PICKUP_REMIND_AFTER_DAYS: '0.00002', PICKUP_CANCEL_AFTER_DAYS: '0.00006', PICKUP_SWEEP_MS: '300' } });
    tap = await BrokerTap.open(cluster.stack.amqpUrl, ['fulfillment.#', 'payment.#', 'notification.#']);
    await api().put(`/v1/channels/${channel}`).set(auth()).send({ name: 'Collect shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
    await api().put(`/v1/locations/${store}`).set(auth()).send({ name: 'Store Mitte', type: 'store', canShip: false, canPickup: true }).expect(200);
    await api().post('/v1/inventory/movements').set(auth()).send({ sku: 'CC-VASE', locationId: store, quantity: 5, type: 'receipt' }).expect(201);
    storeKey = {
      Authorization: `Bearer ${
        (
          await api()
            .post('/v1/api-keys')
            .set(auth())
            .send({ name: 'store staff', roles: [`location:${store}`] })
            .expect(201)
        ).body.key
      }`,
    };
  }, 180000);

  afterAll(async () => {
    await tap?.close();
    await cluster?.stop();
  });

  it('when the store marks a pickup ready and the customer shows the code, then the order is collected, delivered and paid; a wrong code is refused', async () => {
    const { id, fulfillmentId, pickup } = await placePickup('CC-1');
    expect(pickup).toBe(true);
    // Nothing is packed for a carrier.
    const packed = await api().post(`/v1/fulfillments/${fulfillmentId}/pack`).set(storeKey).send({}).expect(409);
    expect(packed.body.detail).toContain('click & collect');
    const ready = await api().post(`/v1/fulfillments/${fulfillmentId}/ready-for-pickup`).set(storeKey).expect(200);
    expect(ready.body).toMatchObject({ status: 'ready_for_pickup', readyBy: expect.any(String) });
    const code = await codeFor(id);
    expect(JSON.stringify(ready.body)).not.toContain(code);
    // The channel hears of it with the code, to tell its customer (by its webhook subscription).
    const notice = await eventually(() =>
      tap.of<MessageData<'notification.ready-for-pickup.v1'>>('notification.ready-for-pickup.v1').find((e) => e.data.orderId === id),
    );
    expect(notice.data).toMatchObject({ channel, externalId: 'CC-1', locationId: store, pickupCode: code });
    await waitFor(id, (o) => o.status === 'ready_for_pickup');
    const wrong = await api()
      .post(`/v1/fulfillments/${fulfillmentId}/collect`)
      .set(storeKey)
      .send({ code: code === '000000' ? '111111' : '000000' })
      .expect(422);
    expect(wrong.body.errors).toEqual([{ path: 'code', message: expect.stringContaining('does not match') }]);
    await api().post(`/v1/fulfillments/${fulfillmentId}/collect`).set(storeKey).send({ code: 'abc' }).expect(422);
    const collected = await api().post(`/v1/fulfillments/${fulfillmentId}/collect`).set(storeKey).send({ code }).expect(200);
    expect(collected.body.status).toBe('collected');
    const delivered = await waitFor(id, (o) => o.status === 'delivered' && o.checks.payment === 'captured');
    expect(delivered.timeline.map((t: any) => t.type)).toEqual(expect.arrayContaining(['ready_for_pickup', 'collected', 'payment_capture_requested']));
    const stock = (await api().get('/v1/inventory/CC-VASE').set(auth()).expect(200)).body;
    expect(stock).toMatchObject({ onHand: 4, reserved: 0 });
  });

  it('when a pickup is not collected, then the customer is reminded, and later the order is cancelled and the goods go back to the shelf', async () => {
    const { id, fulfillmentId } = await placePickup('CC-2');
    await api().post(`/v1/fulfillments/${fulfillmentId}/ready-for-pickup`).set(storeKey).expect(200);
    const cancelled = await waitFor(id, (o) => o.status === 'cancelled', 30000);
    const types = cancelled.timeline.map((t: any) => t.type);
    expect(types.indexOf('pickup_overdue')).toBeGreaterThan(-1);
    expect(types.indexOf('pickup_expired')).toBeGreaterThan(types.indexOf('pickup_overdue'));
    await eventually(async () => (await getOrder(id)).checks.payment === 'voided');
    await eventually(async () => (await api().get(`/v1/fulfillments/${fulfillmentId}`).set(storeKey).expect(200)).body.status === 'cancelled');
    await eventually(async () => {
      const stock = (await api().get('/v1/inventory/CC-VASE').set(auth()).expect(200)).body;
      return stock.reserved === 0 && stock.onHand === 4;
    });
    // Collecting it now is refused.
    await api().post(`/v1/fulfillments/${fulfillmentId}/collect`).set(storeKey).send({ code: '123456' }).expect(409);
  });
});
