import { PassThrough } from 'node:stream';
import amqp, { type ChannelModel } from 'amqplib';
import Redis from 'ioredis';
import request from 'supertest';
import { replayDlq } from '@oms/cli/src/dlq';
import { deterministicId, type Broker } from '@oms/messaging';
import { TestBus, TestStack, TEST_REDIS_URL, eventually, sampleOrder, type BrokerTap, type RunningService } from '@oms/testing';
import { orderLockKey } from '../src/data-access/order-model';
import { definition } from '../src/service';

const INTAKE = 'ingestion.order-intake';

/**
 * An order stored with the events of its acceptance, whose process died before the broker confirmed them,
 * and whose message then ended in the DLQ (past the delivery limit, say). An operator's replay must bring
 * those events out: the replayed copy counts as possibly handled before (x-oms-replays), and the duplicate
 * insert path sends what was stored but not confirmed.
 */
describe('ingestion: an intake message replayed from the DLQ', () => {
  let stack: TestStack;
  let service: RunningService<unknown>;
  let bus: TestBus;
  let broker: Broker;
  let tap: BrokerTap;
  let raw: ChannelModel;
  let redis: Redis;

  beforeAll(async () => {
    stack = await TestStack.create();
    service = (await stack.start(definition)) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl);
    ({ broker, tap } = bus);
    raw = await amqp.connect(stack.amqpUrl);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: stack.redisPrefix });
  });
  afterAll(async () => {
    redis.disconnect();
    await raw.close();
    await bus.close();
    await stack.cleanup();
  });

  it('when the order was stored but its events never confirmed, then replaying its dead letter publishes them', async () => {
    const o = sampleOrder({ externalId: 'WS-REPLAY' });
    const orderId = deterministicId('order', o.channel, o.externalId);
    const received = await broker.publish(
      'order.received.v1',
      { orderId, order: o, receivedAt: new Date().toISOString(), actor: 'api-key:test' },
      { correlationId: orderId },
    );
    await eventually(async () => (await request(service.url).get(`/internal/orders/${orderId}`)).body.status === 'pending');
    const reserveFor = async () => (await tap.drain('inventory.commands')).filter((m) => m.correlationId === orderId && m.type === 'stock.reserve.v1');
    await eventually(async () => (await reserveFor()).length === 1);

    // The crash between the write and the confirms: the order and its `sent` events are stored, and
    // nothing records them as confirmed (that record is written only after the confirms).
    expect(await redis.del(`published:${orderLockKey(orderId)}`)).toBe(1);
    // The message as the consumer dead-letters it (its last attempt failed after the write).
    const ch = await raw.createChannel();
    ch.sendToQueue(`${INTAKE}.dlq`, Buffer.from(JSON.stringify(received)), {
      persistent: true,
      messageId: received.id,
      type: received.type,
      correlationId: orderId,
      headers: { 'x-oms-error': 'broker did not confirm', 'x-oms-attempt': 4, 'x-oms-errors': 3, 'x-oms-failed-at': new Date().toISOString() },
    });
    await ch.close();

    const out = new PassThrough();
    expect(await replayDlq(INTAKE, { amqpUrl: stack.amqpUrl, out, err: new PassThrough() })).toBe(0);

    const again = await eventually(async () => (await reserveFor())[0]);
    expect(again).toMatchObject({ type: 'stock.reserve.v1', data: { orderId } });
    expect((await request(service.url).get(`/internal/orders/${orderId}`)).body.status).toBe('pending');
  });
});
