import { createHmac } from 'node:crypto';
import request from 'supertest';
import { mongoose } from '@oms/mongo';
import { eventually, sampleOrder } from '@oms/testing';
import { startCluster, type Cluster } from './cluster';

/**
 * What one order costs the store on the happy path, counted over every service of the cluster: each
 * document a write touches (an insert in a batch counts its documents, an update one). The limits are the
 * figures measured when AggregateStore replaced the hand-written handlers (10 and 31 writes before it): a
 * change that makes an order cost more writes fails here, and says where the writes went.
 */
const LIMITS = {
  readyToFulfill: 7,
  // 19, and since capture at shipment 21: the capture on the payment check and its report on the order.
  delivered: 21,
  /**
   * The trigger rules' own database, counted apart (docs/tasks.md, "Cost"): on the way to delivered, the pack
   * task (opened, closed by the packing), the parcel's no-tracking clock (started, renewed by the scan,
   * stopped by the delivery) and the 14-day delivery clock (started, stopped): 3 inserts and 4 updates.
   */
  rulesToDelivered: 7,
  /**
   * The reports' own database, counted apart (docs/reports.md, "Cost"): one insert-only fact per event it
   * reads; on the way to delivered the order's and its parcel's (this flow hands over no fulfillment).
   */
  reportsToDelivered: 2,
};
/** The collections of the tasks service (its rules' episodes and tasks). */
const RULES_COLLECTIONS = new Set(['tasks']);
/** The collections of the reports service (its facts and per-day rollups). */
const REPORTS_COLLECTIONS = new Set(['facts', 'rollups']);
/**
 * Written once per time bucket (and process), not per order: the notes of the order list's buckets and SKU
 * days, the day records of each SKU's ledger (docs/orders-list.md, docs/inventory.md), the days of each
 * carrier's changed shipments (docs/partners.md) and the ship-by days of each location's work queues
 * (docs/fulfillment.md): one small insert per order at most (its second is new), none for most orders of a
 * busy second. Counted apart, so that the figures stay per order.
 */
const ONCE_PER_DAY = new Set(['order_days', 'movement_days', 'shipment_days', 'fulfillment_days']);

const WRITES = new Set([
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'deleteOne',
  'deleteMany',
  'bulkWrite',
]);

describe('store writes per order', () => {
  let cluster: Cluster;
  const secret = 'sandbox-webhook-secret-for-writes';
  const api = () => request(cluster.gatewayUrl);
  const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });
  let counting = false;
  const writes = new Map<string, number>();
  /** The writes of the order's services, of the trigger rules, or of the reports. */
  const partOf = (key: string) => (RULES_COLLECTIONS.has(key.split('.')[0]!) ? 'rules' : REPORTS_COLLECTIONS.has(key.split('.')[0]!) ? 'reports' : 'orders');
  const total = (part: 'orders' | 'rules' | 'reports' = 'orders') => [...writes].filter(([key]) => partOf(key) === part).reduce((sum, [, n]) => sum + n, 0);
  const breakdown = () => Object.fromEntries([...writes].sort(([a], [b]) => a.localeCompare(b)));

  const order = async (id: string) => (await api().get(`/v1/orders/${id}`).set(auth()).expect(200)).body;
  const track = (trackingNumber: string, status: string) => {
    const body = JSON.stringify({ trackingNumber, status, occurredAt: new Date().toISOString() });
    const t = Math.floor(Date.now() / 1000);
    const signature = `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
    return api().post('/v1/carriers/sandbox/tracking').set('Content-Type', 'application/json').set('OMS-Signature', signature).send(body).expect(200);
  };

  beforeAll(async () => {
    cluster = await startCluster();
    await api().put('/v1/channels/webshop').set(auth()).send({ name: 'Web shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
    await api().put('/v1/carriers/sandbox').set(auth()).send({ webhookSecret: secret }).expect(200);
    await api().put('/v1/locations/berlin').set(auth()).send({ name: 'Berlin warehouse', type: 'warehouse' }).expect(200);
    await api().post('/v1/inventory/movements').set(auth()).send({ sku: 'TSHIRT-BLK-M', locationId: 'berlin', quantity: 10, type: 'receipt' }).expect(201);
    mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      if (!counting || !WRITES.has(method) || ONCE_PER_DAY.has(collection)) return;
      const documents = method === 'insertMany' && Array.isArray(args[0]) ? args[0].length : 1;
      writes.set(`${collection}.${method}`, (writes.get(`${collection}.${method}`) ?? 0) + documents);
    });
  }, 120000);
  afterAll(async () => {
    mongoose.set('debug', false);
    await cluster?.stop();
  });

  it('when one order goes from intake to delivered, then the store is written at most the measured number of times', async () => {
    counting = true;
    const placed = await api()
      .post('/v1/orders')
      .set(auth())
      .send(sampleOrder({ externalId: 'WS-WRITES-1' }))
      .expect(202);
    const id = placed.body.id as string;
    // Ready to fulfill, and the warehouse's fulfillment opened and recorded on the order: the last write of that stage.
    await eventually(async () => {
      const o = await order(id);
      return o.status === 'ready_to_fulfill' && o.timeline.some((t: { type: string }) => t.type === 'fulfillment_opened');
    }, 30000);
    const toReady = total();
    const readyBreakdown = breakdown();

    const [fulfillment] = (await api().get(`/v1/fulfillments?orderId=${id}`).set(auth()).expect(200)).body;
    await api().post(`/v1/fulfillments/${fulfillment.id}/pack`).set(auth()).expect(200);
    await eventually(async () => (await order(id)).status === 'shipped' && (await order(id)).checks.stock === 'consumed', 30000);
    const [shipment] = (await api().get(`/v1/shipments?orderId=${id}`).set(auth()).expect(200)).body;
    await track(shipment.trackingNumber, 'in_transit');
    await track(shipment.trackingNumber, 'delivered');
    await eventually(async () => (await order(id)).status === 'delivered', 30000);
    // The returns service records what was delivered (returns are opened against it): the last write of the order's delivery.
    await eventually(() => [...writes.keys()].some((k) => k.startsWith('delivered_orders.')), 30000);
    const toDelivered = total();
    const rulesToDelivered = total('rules');
    const reportsToDelivered = total('reports');

    console.log(
      `[store-writes] intake → ready_to_fulfill: ${toReady} writes ${JSON.stringify(readyBreakdown)}\n[store-writes] intake → delivered: ${toDelivered} writes, and ${rulesToDelivered} of the rules, ${reportsToDelivered} of the reports ${JSON.stringify(breakdown())}`,
    );
    expect(toReady).toBeLessThanOrEqual(LIMITS.readyToFulfill);
    expect(toDelivered).toBeLessThanOrEqual(LIMITS.delivered);
    expect(rulesToDelivered).toBeLessThanOrEqual(LIMITS.rulesToDelivered);
    expect(reportsToDelivered).toBeLessThanOrEqual(LIMITS.reportsToDelivered);
  });
});
