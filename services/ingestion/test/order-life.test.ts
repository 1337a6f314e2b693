import request from 'supertest';
import { deterministicId, type Broker, type CommandClient } from '@oms/messaging';
import { AppError } from '@oms/errors';
import { TestBus, TestStack, eventually, expectNothingWithin, sampleOrder, type BrokerTap, type RunningService } from '@oms/testing';
import type { CanonicalOrder } from '@oms/contracts';
import { definition } from '../src/service';

const order = (externalId: string, overrides: Partial<CanonicalOrder> = {}) => sampleOrder({ externalId, ...overrides });

describe('ingestion: the order overseer', () => {
  let stack: TestStack;
  let service: RunningService<unknown>;
  let broker: Broker;
  let tap: BrokerTap;
  let commands: CommandClient;
  let bus: TestBus;

  beforeAll(async () => {
    stack = await TestStack.create();
    service = (await stack.start(definition)) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl);
    ({ broker, commands, tap } = bus);
  });
  afterAll(async () => {
    await bus.close();
    await stack.cleanup();
  });

  const receive = async (o: CanonicalOrder) => {
    const orderId = deterministicId('order', o.channel, o.externalId);
    await broker.publish('order.received.v1', { orderId, order: o, receivedAt: new Date().toISOString(), actor: 'api-key:test' }, { correlationId: orderId });
    return orderId;
  };
  const getOrder = async (id: string) => (await request(service.url).get(`/internal/orders/${id}`)).body;
  const report = (type: any, data: any, orderId: string) => broker.publish(type, data, { correlationId: orderId });

  it('when an order is received, then it is stored pending and stock and payment checks are commanded', async () => {
    const id = await receive(order('WS-1'));
    const stored = await eventually(async () => (await getOrder(id)).status === 'pending' && getOrder(id));
    expect(stored).toMatchObject({ id, channel: 'webshop', externalId: 'WS-1', checks: { stock: 'pending', payment: 'pending' } });
    expect(stored.timeline.map((t: any) => t.type)).toEqual(['order_received', 'address_checked', 'status_changed']);
    const reserve = await eventually(async () => (await tap.drain('inventory.commands')).find((m) => m.correlationId === id));
    expect(reserve).toMatchObject({ type: 'stock.reserve.v1', data: { orderId: id, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2 }] } });
    const check = await eventually(async () => (await tap.drain('payment-check.commands')).find((m) => m.correlationId === id));
    expect(check).toMatchObject({ type: 'payment.check.v1', data: { orderId: id, amount: 4493, currency: 'EUR' } });
  });

  it('when a channel sends fields of any shape in source, then the order is stored and its source comes back intact', async () => {
    const source = { note: [[1, 2], ['a']], shopify: { tags: 'vip', 'weird.key': { $x: 1 } } };
    const id = await receive(order('WS-SOURCE', { source } as Partial<CanonicalOrder>));
    const stored = await eventually(async () => (await getOrder(id)).status === 'pending' && getOrder(id));
    expect(stored.source).toEqual(source);
  });

  it('when the same order is received twice, then there is one order and one set of commands', async () => {
    const o = order('WS-2');
    const id = await receive(o);
    await receive(o);
    await eventually(async () => (await getOrder(id)).status === 'pending');
    // The first set arrives; a second one would follow within milliseconds of the duplicate. Its absence has no
    // event to wait for: watched for a while.
    const commands: Array<{ correlationId: string }> = [];
    const collect = async () => commands.push(...(await tap.drain('inventory.commands')).filter((m) => m.correlationId === id));
    await eventually(async () => (await collect()) >= 1);
    await expectNothingWithin(300, async () => (await collect()) > 1, 'a second set of commands for a duplicate');
    expect(commands).toHaveLength(1);
  });

  it('when stock is reserved and payment approved, then the order is ready to fulfill and a fulfillment is opened', async () => {
    const id = await receive(order('WS-3'));
    await eventually(async () => (await getOrder(id)).status === 'pending');
    await report('stock.reserved.v1', { orderId: id, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' }] }, id);
    await report('payment.approved.v1', { orderId: id, checkId: 'c1', amount: 4493, currency: 'EUR', providerRef: 'auth_1' }, id);
    const ready = await eventually(async () => (await getOrder(id)).status === 'ready_to_fulfill' && getOrder(id));
    expect(ready.allocation).toEqual([{ sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' }]);
    const open = await eventually(async () => (await tap.drain('fulfillment.commands')).find((m) => m.correlationId === id));
    expect(open).toMatchObject({ type: 'fulfillment.open.v1', data: { orderId: id, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' }] } });
    expect(tap.events('order.status-changed.v1', id).map((e) => e.data.to)).toEqual(expect.arrayContaining(['pending', 'ready_to_fulfill']));
  });

  it('when a report is delivered again after it was applied, then it is taken as done: not failed, retried or applied twice', async () => {
    const id = await receive(order('WS-AGAIN'));
    await eventually(async () => (await getOrder(id)).status === 'pending');
    const reserved = await report('stock.reserved.v1', { orderId: id, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' }] }, id);
    const applied = await eventually(async () => {
      const o = await getOrder(id);
      return o.checks.stock === 'reserved' && o;
    });
    // The same envelope once more, as after an ack lost to a crash or a lock that timed out.
    const failures = async () => {
      const text = (await request(service.url).get('/metrics')).text;
      const failed = text
        .split('\n')
        .filter((l) => l.startsWith('oms_messages_handled_total') && l.includes('type="stock.reserved.v1"') && !l.includes('outcome="ok"'));
      return failed.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    };
    const failedBefore = await failures();
    await broker.publishEnvelope(reserved);
    // A failed handling is counted at once and retried after 1 s: 1.5 s sees the first failure and its retry.
    await expectNothingWithin(1500, async () => (await failures()) > failedBefore, 'a failure of the repeated report');
    expect((await getOrder(id)).timeline).toHaveLength(applied.timeline.length);
  });

  it('when stock is short, then the order goes on hold with the reason stock_short', async () => {
    const id = await receive(order('WS-4'));
    await eventually(async () => (await getOrder(id)).status === 'pending');
    await report('stock.short.v1', { orderId: id, lines: [{ sku: 'TSHIRT-BLK-M', requested: 2, available: 0 }] }, id);
    const held = await eventually(async () => (await getOrder(id)).status === 'on_hold' && getOrder(id));
    expect(held.holds).toEqual([expect.objectContaining({ reason: 'stock_short', detail: 'TSHIRT-BLK-M: requested 2, available 0' })]);
  });

  it('when the payment does not add up, then the order is held with amount_mismatch and nothing is reserved', async () => {
    const o = order('WS-5', { payment: { method: 'card', provider: 'sandbox', reference: 'x', amount: 1 } });
    const id = await receive(o);
    const held = await eventually(async () => (await getOrder(id)).status === 'on_hold' && getOrder(id));
    expect(held.holds[0].reason).toBe('amount_mismatch');
    // No reservation is asked for: an absence, watched for a while (a command would follow the hold within milliseconds).
    await expectNothingWithin(
      300,
      async () => (await tap.drain('inventory.commands')).some((m) => m.correlationId === id),
      'a stock command for an order held for amount_mismatch',
    );
    expect((await tap.drain('inventory.commands')).filter((m) => m.correlationId === id)).toHaveLength(0);
  });

  it('when an unknown order is asked for, then the internal query answers 404 problem+json', async () => {
    const res = await request(service.url).get('/internal/orders/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when many services report on one order at the same moment, then every report is applied (single writer)', async () => {
    const id = await receive(order('WS-6'));
    await eventually(async () => (await getOrder(id)).status === 'pending');
    // 30 distinct tracking-like facts at once: without the order lock FerretDB would lose some of them.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => report('stock.restocked.v1', { orderId: id, returnId: `r${i}`, restocked: [], writtenOff: [] }, id)),
    );
    const done = await eventually(async () => {
      const o = await getOrder(id);
      return o.timeline.filter((t: any) => t.type === 'return_restocked').length === 30 && o;
    }, 30000);
    expect(done.timeline.filter((t: any) => t.type === 'return_restocked')).toHaveLength(30);
  });

  describe('changing an order', () => {
    const send = async (type: 'order.amend.v1' | 'order.cancel.v1' | 'order.release-hold.v1', data: any) => {
      const outcome = await commands.send(type, { actor: 'api-key:ops-7', ...data }, { correlationId: data.orderId }, 5000);
      if (outcome.status !== 'done') throw new Error('no answer');
      return outcome.result as any;
    };
    const commandsFor = async (queue: string, id: string) =>
      (await tap.drain(queue)).filter((m) => m.correlationId === id).map((m) => [m.type, m.data.orderId]);

    it('when an amendment swaps a line for another SKU, then a search by the new SKU finds the order and one by the old no longer does', async () => {
      const id = await receive(order('WS-A-SKU'));
      await eventually(async () => (await getOrder(id)).status === 'pending');
      await send('order.amend.v1', { orderId: id, lines: [{ sku: 'MUG-AMENDED', quantity: 2, unitPrice: 1999 }] });
      const listed = async (sku: string) =>
        (await request(service.url).get('/internal/orders').query({ sku, limit: 200 })).body.items.map((o: { id: string }) => o.id);
      expect(await eventually(async () => (await listed('MUG-AMENDED')).includes(id) && (await listed('MUG-AMENDED')))).toEqual([id]);
      expect(await listed('TSHIRT-BLK-M')).not.toContain(id);
    });

    it('when a pending order’s lines and amount change, then the answer is the changed order, the old reservation and authorization go and new ones are asked for under new keys', async () => {
      const id = await receive(order('WS-A1'));
      await eventually(async () => (await getOrder(id)).status === 'pending');
      await eventually(async () => (await commandsFor('inventory.commands', id)).length === 1);
      await tap.drain('payment-check.commands');

      const lines = [{ sku: 'TSHIRT-BLK-M', quantity: 3, unitPrice: 1999 }];
      const amended = await send('order.amend.v1', { orderId: id, lines, paymentAmount: 6492 });
      expect(amended).toMatchObject({ id, status: 'pending', lines, payment: { amount: 6492 }, checks: { stock: 'pending', payment: 'pending' } });
      expect(amended.timeline.find((t: any) => t.type === 'order_amended')).toMatchObject({ actor: 'api-key:ops-7', service: 'test', at: expect.any(String) });
      expect(
        await eventually(async () => {
          const sent = await commandsFor('inventory.commands', id);
          return sent.length === 2 && sent;
        }),
      ).toEqual([
        ['stock.release.v1', id],
        ['stock.reserve.v1', `${id}~2`],
      ]);
      expect(
        await eventually(async () => {
          const sent = await commandsFor('payment-check.commands', id);
          return sent.length === 2 && sent;
        }),
      ).toEqual([
        ['payment.void.v1', id],
        ['payment.check.v1', `${id}~2`],
      ]);

      // The new checks answer under their keys; a late answer for the old reservation is given back.
      await report('stock.reserved.v1', { orderId: id, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, locationId: 'berlin' }] }, id);
      await report('stock.reserved.v1', { orderId: `${id}~2`, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 3, locationId: 'berlin' }] }, id);
      await report('payment.approved.v1', { orderId: `${id}~2`, checkId: 'c2', amount: 6492, currency: 'EUR', providerRef: 'auth_2' }, id);
      const ready = await eventually(async () => (await getOrder(id)).status === 'ready_to_fulfill' && getOrder(id));
      expect(ready.allocation).toEqual([{ sku: 'TSHIRT-BLK-M', quantity: 3, locationId: 'berlin' }]);
      expect(await eventually(async () => (await commandsFor('inventory.commands', id)).find(([type]) => type === 'stock.release.v1'))).toEqual([
        'stock.release.v1',
        id,
      ]);

      await expect(
        send('order.amend.v1', { orderId: id, shippingAddress: { name: 'A', line1: 'B 1', postalCode: '10115', city: 'Berlin', country: 'DE' } }),
      ).rejects.toMatchObject({
        status: 409,
        detail: expect.stringContaining('An order that is ready_to_fulfill can no longer be changed'),
      });
      const cancelled = await send('order.cancel.v1', { orderId: id, reason: 'customer asked' });
      expect(cancelled.status).toBe('cancelled');
      expect(await eventually(async () => (await commandsFor('inventory.commands', id)).find(([type]) => type === 'stock.release.v1'))).toEqual([
        'stock.release.v1',
        `${id}~2`,
      ]);
    });

    it('when only the shipping address changes, then it is recorded with the actor and only the address is checked again', async () => {
      const id = await receive(order('WS-A2'));
      await eventually(async () => (await getOrder(id)).status === 'pending');
      // The reservation asked for on receipt is out of the way before the change.
      await eventually(async () => (await commandsFor('inventory.commands', id)).length > 0);
      const address = { name: 'Anna Schmidt', line1: 'Torstraße 1', postalCode: '10119', city: 'Berlin', country: 'DE' };
      const amended = await send('order.amend.v1', { orderId: id, shippingAddress: address });
      expect(amended.shippingAddress).toEqual(address);
      expect(amended.timeline.map((t: any) => t.type).slice(-2)).toEqual(['order_amended', 'address_checked']);
      // Nothing checked again: an absence, watched for a while (a command would be sent with the change).
      await expectNothingWithin(200, async () => (await commandsFor('inventory.commands', id)).length > 0, 'a stock command for an address change');
      expect(await commandsFor('inventory.commands', id)).toEqual([]);
    });

    it('when an unknown order is changed, then the command is refused with 404', async () => {
      await expect(send('order.amend.v1', { orderId: 'nope', paymentAmount: 1 })).rejects.toBeInstanceOf(AppError);
      await expect(send('order.amend.v1', { orderId: 'nope', paymentAmount: 1 })).rejects.toMatchObject({ status: 404 });
    });

    it('when ops releases a stock_short hold, then the order is pending again and stock is reserved under a new key', async () => {
      const id = await receive(order('WS-A3'));
      await eventually(async () => (await getOrder(id)).status === 'pending');
      await report('stock.short.v1', { orderId: id, lines: [{ sku: 'TSHIRT-BLK-M', requested: 2, available: 0 }] }, id);
      await eventually(async () => (await getOrder(id)).status === 'on_hold');
      await tap.drain('inventory.commands');
      const released = await send('order.release-hold.v1', { orderId: id, reason: 'stock_short', note: 'stock arrived' });
      expect(released).toMatchObject({ status: 'pending', holds: [], checks: { stock: 'pending' } });
      expect(released.timeline.find((t: any) => t.type === 'hold_released')).toMatchObject({ actor: 'api-key:ops-7', detail: 'stock_short: stock arrived' });
      expect(await eventually(async () => (await commandsFor('inventory.commands', id)).find(([type]) => type === 'stock.reserve.v1'))).toEqual([
        'stock.reserve.v1',
        `${id}~2`,
      ]);
    });
  });
});
