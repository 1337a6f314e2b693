import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import amqp, { type ChannelModel } from 'amqplib';
import Redis from 'ioredis';
import { replayDlq } from '@oms/cli/src/dlq';
import { TestBus, TestStack, TEST_REDIS_URL, eventually } from '@oms/testing';
import { reservationLock } from '../src/data-access/lock-keys';
import { definition } from '../src/service';
import { locationCommand } from './harness';

const COMMANDS = 'inventory.commands';

/**
 * A reservation stored with its events, whose process died before the broker confirmed them, and whose
 * command then ended in the DLQ: the operator's replay must announce the reservation (the replayed copy is
 * repeated, and the refused insert sends what the stored reservation still owes).
 */
describe('inventory: a reserve command replayed from the DLQ', () => {
  let stack: TestStack;
  let bus: TestBus;
  let raw: ChannelModel;
  let redis: Redis;
  let url: string;

  beforeAll(async () => {
    stack = await TestStack.create();
    ({ url } = await stack.start(definition));
    bus = await TestBus.open(stack.amqpUrl, ['stock.#']);
    raw = await amqp.connect(stack.amqpUrl);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: stack.redisPrefix });
  });
  afterAll(async () => {
    redis.disconnect();
    await raw.close();
    await bus.close();
    await stack.cleanup();
  });

  it('when the reservation was stored but its events never confirmed, then replaying its dead letter publishes them', async () => {
    await bus.commands.send('location.upsert.v1', locationCommand('WH-R', { name: 'Replay' }), { correlationId: 't' }, 20_000);
    await bus.commands.send(
      'stock.record-movements.v1',
      { movements: [{ sku: 'REPLAY-1', locationId: 'WH-R', quantity: 5, type: 'receipt' }], actor: 'ops:test' },
      { correlationId: 't' },
      20_000,
    );
    const orderId = `o-${randomUUID()}`;
    const reserve = await bus.broker.publish('stock.reserve.v1', { orderId, lines: [{ sku: 'REPLAY-1', quantity: 2 }] }, { correlationId: orderId });
    const first = await eventually(() => bus.tap.events('stock.reserved.v1', orderId)[0]);

    // The crash between the insert and the confirms: nothing records the reservation's events as confirmed.
    expect(await redis.del(`published:${reservationLock(orderId)}`)).toBe(1);
    const ch = await raw.createChannel();
    ch.sendToQueue(`${COMMANDS}.dlq`, Buffer.from(JSON.stringify(reserve)), {
      persistent: true,
      messageId: reserve.id,
      type: reserve.type,
      correlationId: orderId,
      headers: { 'x-oms-error': 'broker did not confirm', 'x-oms-attempt': 4, 'x-oms-errors': 3, 'x-oms-failed-at': new Date().toISOString() },
    });
    await ch.close();

    expect(await replayDlq(COMMANDS, { amqpUrl: stack.amqpUrl, out: new PassThrough(), err: new PassThrough() })).toBe(0);

    // The same event again (same id: consumers that had it drop it), and no second reservation of stock.
    await eventually(() => bus.tap.events('stock.reserved.v1', orderId).length === 2);
    const [, again] = bus.tap.events('stock.reserved.v1', orderId);
    expect(again.id).toBe(first.id);
    expect(again.data).toEqual(first.data);
    expect(await (await fetch(`${url}/internal/inventory/REPLAY-1`)).json()).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
  });
});
