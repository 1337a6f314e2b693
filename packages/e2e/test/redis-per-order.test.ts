import request from 'supertest';
import { Redis } from '@oms/redis';
import { eventually, sampleOrder, TEST_REDIS_URL } from '@oms/testing';
import { DEFAULT_FRAUD_RULES } from '@oms/contracts';
import { startCluster, type Cluster } from './cluster';

/**
 * What the orders cost Redis, over every service of the cluster: the bytes (MEMORY USAGE) of the keys under
 * the cluster's REDIS_KEY_PREFIX after N orders reached ready_to_fulfill, less what was there before them, per
 * order. docs/redis.md states the bound and what it is made of; a change that keeps more per order, or keeps
 * it without a TTL, fails here and prints where the bytes went.
 */
const ORDERS = 20;
/** docs/redis.md, "Per accepted order": 1,500 bytes measured, with room for longer ids, prefixes and SKUs. */
const MAX_BYTES_PER_ORDER = 2000;
/** docs/redis.md, "Fraud screening": 136 bytes measured per value (email, phone, address...) and order. */
const MAX_VELOCITY_BYTES_PER_VALUE = 160;
/** docs/redis.md: the longest TTL of a key made for one order (the intake marker's 10 minutes). */
const MAX_PER_ORDER_TTL_SECONDS = 10 * 60;
/** A reservation's marker lives while the reservation is open (no TTL) and gets one when it is consumed or released. */
const PER_OPEN_RESERVATION = /^inv:res:/;

/** `intake:1f0c…` → `intake:<id>`: ids (hex, uuids, numbers) become a placeholder, names stay. */
const family = (key: string) =>
  VELOCITY.test(key)
    ? key.split(':').slice(0, 3).concat('<hash>').join(':')
    : key
        .split(':')
        .map((part) => (/^[0-9a-f]{8}-[0-9a-f]{4}-|^[0-9a-f]{16,}$|^\d+$/i.test(part) ? '<id>' : part))
        .join(':');
/**
 * A key made for an order (or for one of its aggregates) names its id. Keys without one exist per SKU or per
 * service (`inv:sku:<sku>`, `inv:epoch`, `inv:newest`): the same size after one order as after a million.
 */
const isPerOrder = (key: string) => family(key).includes('<id>');
/** Fraud screening's velocity windows: per customer value (hashed), kept for the rule's window (60 min by default). */
const VELOCITY = /^fraud:v:/;

interface KeyFacts {
  bytes: number;
  ttlSeconds: number;
}

async function keysUnder(redis: Redis, prefix: string): Promise<Map<string, KeyFacts>> {
  const keys = new Map<string, KeyFacts>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      // SAMPLES 0: every element of a hash counted, not an estimate.
      const bytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      const ttlSeconds = await redis.ttl(key);
      if (Number.isFinite(bytes) && ttlSeconds !== -2) keys.set(key.slice(prefix.length), { bytes, ttlSeconds });
    }
  } while (cursor !== '0');
  return keys;
}

describe('Redis bytes per order', () => {
  let cluster: Cluster;
  let redis: Redis;
  const api = () => request(cluster.gatewayUrl);
  const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });

  beforeAll(async () => {
    // The default fraud rules, velocity included: its windows are Redis state that grows with orders.
    cluster = await startCluster({ fraudRules: DEFAULT_FRAUD_RULES });
    redis = new Redis(TEST_REDIS_URL);
    await api().put('/v1/channels/webshop').set(auth()).send({ name: 'Web shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
    await api().put('/v1/locations/berlin').set(auth()).send({ name: 'Berlin warehouse', type: 'warehouse' }).expect(200);
    await api()
      .post('/v1/inventory/movements')
      .set(auth())
      .send({ sku: 'TSHIRT-BLK-M', locationId: 'berlin', quantity: ORDERS * 2, type: 'receipt' })
      .expect(201);
  }, 120000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it(`when ${ORDERS} orders reach ready_to_fulfill, then Redis holds at most the documented bytes per order, each with a TTL`, async () => {
    const prefix = cluster.stack.redisPrefix;
    const before = await keysUnder(redis, prefix);

    const ids = await Promise.all(
      Array.from({ length: ORDERS }, async (_, i) => {
        const res = await api()
          .post('/v1/orders')
          .set(auth())
          // Each order its own customer and street, as in a shop: every velocity window is a key of its own.
          .send(
            sampleOrder({
              externalId: `WS-REDIS-${i}`,
              customer: { email: `kunde-${i}@example.de`, name: 'Kim Kunde', phone: `+49 30 5550${i}` },
              shippingAddress: { name: 'Kim Kunde', line1: `Invalidenstraße ${i + 1}`, postalCode: '10115', city: 'Berlin', country: 'DE' },
            }),
          )
          .expect(202);
        return res.body.id as string;
      }),
    );
    for (const id of ids)
      await eventually(async () => {
        const o = (await api().get(`/v1/orders/${id}`).set(auth())).body;
        return o.status === 'ready_to_fulfill' && o.timeline.some((t: { type: string }) => t.type === 'fulfillment_opened');
      }, 60000);
    // The last confirmations are recorded after the broker confirmed (published:<lock>, not awaited by anyone).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await keysUnder(redis, prefix);

    const growth = new Map<string, { keys: number; bytes: number; maxTtl: number }>();
    let total = 0;
    for (const [key, facts] of after) {
      const grew = facts.bytes - (before.get(key)?.bytes ?? 0);
      if (grew === 0) continue;
      total += grew;
      const f = growth.get(family(key)) ?? { keys: 0, bytes: 0, maxTtl: 0 };
      const ttl = facts.ttlSeconds === -1 ? Infinity : facts.ttlSeconds;
      growth.set(family(key), { keys: f.keys + (before.has(key) ? 0 : 1), bytes: f.bytes + grew, maxTtl: Math.max(f.maxTtl, ttl) });
    }
    // What left Redis meanwhile (a lock, a rate-limit window) counts against the growth.
    for (const [key, facts] of before) if (!after.has(key)) total -= facts.bytes;
    // Velocity windows are bounded by their own window (docs/redis.md, "Fraud screening"), not by the 10 minutes.
    const velocity = [...growth].filter(([name]) => VELOCITY.test(name));
    const velocityPerOrder = velocity.reduce((sum, [, f]) => sum + f.bytes, 0) / ORDERS;
    const perOrder = total / ORDERS - velocityPerOrder;
    const byFamily = Object.fromEntries(
      [...growth]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, f]) => [name, `${f.keys} keys, ${Math.round(f.bytes / ORDERS)} B/order, ${f.maxTtl === Infinity ? 'no TTL' : `TTL ≤ ${f.maxTtl} s`}`]),
    );
    console.log(
      `[redis-per-order] ${Math.round(perOrder)} bytes per order (and ${Math.round(velocityPerOrder)} in velocity windows) over ${ORDERS} orders: ${JSON.stringify(byFamily, null, 1)}`,
    );

    expect(perOrder).toBeLessThanOrEqual(MAX_BYTES_PER_ORDER);
    expect(velocity.map(([name]) => name).sort()).toEqual(['fraud:v:address:<hash>', 'fraud:v:email:<hash>', 'fraud:v:phone:<hash>']);
    for (const [name, f] of velocity) expect({ name, bytesPerOrder: f.bytes / ORDERS <= MAX_VELOCITY_BYTES_PER_VALUE }).toEqual({ name, bytesPerOrder: true });
    for (const [key, facts] of after) {
      if (before.has(key) || !isPerOrder(key) || PER_OPEN_RESERVATION.test(key)) continue;
      // -1: no TTL; every key made for an order must go away by itself.
      expect({ key, hasTtl: facts.ttlSeconds > 0 }).toEqual({ key, hasTtl: true });
      expect({ key, ttlWithinBound: facts.ttlSeconds <= MAX_PER_ORDER_TTL_SECONDS }).toEqual({ key, ttlWithinBound: true });
    }
  }, 180000);
});
