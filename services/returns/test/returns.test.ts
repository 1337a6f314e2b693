import { randomUUID } from 'node:crypto';
import type { MessageData } from '@oms/contracts';
import type { CommandClient } from '@oms/messaging';
import type { RunningService } from '@oms/runtime';
import { TestBus, TestStack, eventually, expectNothingWithin, type BrokerTap } from '@oms/testing';
import { definition } from '../src/service';

describe('returns service', () => {
  let stack: TestStack;
  let service: RunningService<unknown>;
  let client: CommandClient;
  let tap: BrokerTap;
  let bus: TestBus;

  beforeAll(async () => {
    stack = await TestStack.create();
    service = (await stack.start(definition)) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl, ['return.#']);
    ({ commands: client, tap } = bus);
  });

  afterAll(async () => {
    await bus?.close();
    await stack?.cleanup();
  });

  const getJson = async (path: string) => {
    const res = await fetch(`${service.url}${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const send = <T extends 'return.open.v1' | 'return.receive.v1'>(type: T, data: MessageData<T>, id?: string) =>
    client.send(type, data, { correlationId: 'test', ...(id ? { id } : {}) });

  /** Deliver an order (2 × A at 1250, 1 × B at 899 EUR, shipping paid as given) and wait until returns knows it. */
  async function deliveredOrder(shippingPaid?: number): Promise<string> {
    const orderId = `ord-${randomUUID()}`;
    await bus.broker.publish(
      'order.delivered.v1',
      {
        orderId,
        channel: 'shop',
        currency: 'EUR',
        lines: [
          { sku: 'A', quantity: 2, unitPrice: 1250 },
          { sku: 'B', quantity: 1, unitPrice: 899 },
        ],
        ...(shippingPaid === undefined ? {} : { shippingPaid }),
      },
      { correlationId: orderId },
    );
    // The projection is internal: probing with an over-long return tells "not delivered" (409) from "too many" (422).
    await eventually(async () => {
      try {
        await send('return.open.v1', { returnId: `probe-${randomUUID()}`, orderId, lines: [{ sku: 'A', quantity: 99, reason: 'probe' }], actor: 'test' });
        return false;
      } catch (err) {
        return (err as { status?: number }).status === 422;
      }
    });
    return orderId;
  }

  it('when a return of an order the gateway saw delivered arrives before its delivery, then it waits for the delivery instead of being refused', async () => {
    const orderId = `ord-${randomUUID()}`;
    const returnId = `ret-${randomUUID()}`;
    const lines = [{ sku: 'A', quantity: 1, reason: 'too small' }];
    const answer = send('return.open.v1', { returnId, orderId, lines, orderDelivered: true, actor: 'customer:1' });
    await new Promise((r) => setTimeout(r, 300));
    await bus.broker.publish(
      'order.delivered.v1',
      { orderId, channel: 'shop', currency: 'EUR', lines: [{ sku: 'A', quantity: 2, unitPrice: 1250 }] },
      { correlationId: orderId },
    );
    expect(await answer).toMatchObject({ status: 'done', result: { id: returnId, status: 'requested' } });
    // Without the gateway's word, an order returns does not know is not delivered: refused at once.
    await expect(send('return.open.v1', { returnId: `ret-${randomUUID()}`, orderId: `ord-${randomUUID()}`, lines, actor: 'customer:1' })).rejects.toMatchObject(
      {
        status: 409,
      },
    );
  });

  it('when an order was delivered and a return is opened, then it is requested and return.opened.v1 is emitted', async () => {
    const orderId = await deliveredOrder();
    const returnId = `ret-${randomUUID()}`;
    const lines = [{ sku: 'A', quantity: 1, reason: 'too small' }];
    const out = await send('return.open.v1', { returnId, orderId, lines, actor: 'customer:1' });
    expect(out).toEqual({
      status: 'done',
      result: expect.objectContaining({ id: returnId, orderId, status: 'requested', lines, createdAt: expect.any(String) }),
    });

    const opened = await eventually(() => tap.of<MessageData<'return.opened.v1'>>('return.opened.v1').find((e) => e.data.returnId === returnId));
    expect(opened!.data).toEqual({ orderId, returnId, lines });
    expect((await getJson(`/internal/returns/${returnId}`)).body).toMatchObject({ id: returnId, status: 'requested', currency: 'EUR' });
    expect((await getJson(`/internal/returns?orderId=${orderId}`)).body.map((r: { id: string }) => r.id)).toEqual([returnId]);

    // The same request again answers the same return and emits nothing new.
    const again = await send('return.open.v1', { returnId, orderId, lines, actor: 'customer:1' });
    expect(again).toEqual(out);
    await tap.settle();
    expect(tap.of('return.opened.v1').filter((e) => (e.data as { returnId: string }).returnId === returnId)).toHaveLength(1);
  });

  it('when one parcel of a split order comes back to the sender, then its return opens by itself and the customer can still return the delivered rest, not the parcel’s lines again', async () => {
    const orderId = `ord-${randomUUID()}`;
    const orderLines = [
      { sku: 'A', quantity: 2, unitPrice: 1250 },
      { sku: 'B', quantity: 1, unitPrice: 899 },
    ];
    await bus.broker.publish(
      'order.returned-to-sender.v1',
      { orderId, channel: 'shop', currency: 'EUR', shipmentId: `s-${randomUUID()}`, trackingNumber: 'T1', lines: [orderLines[1]], orderLines },
      { correlationId: orderId },
    );
    const rts = await eventually(() => tap.of<MessageData<'return.opened.v1'>>('return.opened.v1').find((e) => e.data.orderId === orderId));
    expect(rts!.data.lines).toEqual([{ sku: 'B', quantity: 1, reason: 'returned to sender' }]);
    const open = (sku: string) =>
      send('return.open.v1', { returnId: `ret-${randomUUID()}`, orderId, lines: [{ sku, quantity: 1, reason: 'not wanted' }], actor: 'customer:1' });
    await expect(open('A')).resolves.toMatchObject({ status: 'done', result: expect.objectContaining({ status: 'requested' }) });
    await expect(open('B')).rejects.toMatchObject({ status: 422 });
  });

  it('when the order was not delivered, then opening a return is refused with 409', async () => {
    await expect(
      send('return.open.v1', { returnId: `ret-${randomUUID()}`, orderId: `ord-${randomUUID()}`, lines: [{ sku: 'A', quantity: 1, reason: 'x' }], actor: 'c' }),
    ).rejects.toMatchObject({
      status: 409,
      detail: 'order is not delivered',
    });
  });

  it('when a return asks for more units than are left or a sku not in the order, then 422 names each line', async () => {
    const orderId = await deliveredOrder();
    await send('return.open.v1', { returnId: `ret-${randomUUID()}`, orderId, lines: [{ sku: 'A', quantity: 1, reason: 'first' }], actor: 'c' });
    const refused = send('return.open.v1', {
      returnId: `ret-${randomUUID()}`,
      orderId,
      lines: [
        { sku: 'B', quantity: 1, reason: 'fine' },
        { sku: 'A', quantity: 2, reason: 'only one left' },
        { sku: 'Z', quantity: 1, reason: 'never ordered' },
      ],
      actor: 'c',
    });
    await expect(refused).rejects.toMatchObject({
      status: 422,
      errors: [
        { path: 'lines.1.quantity', message: expect.any(String) },
        { path: 'lines.2.sku', message: expect.any(String) },
      ],
    });
  });

  it('when two returns for the last units of an order are opened at the same time, then exactly one is accepted', async () => {
    const orderId = await deliveredOrder();
    const open = () => send('return.open.v1', { returnId: `ret-${randomUUID()}`, orderId, lines: [{ sku: 'A', quantity: 2, reason: 'r' }], actor: 'c' });
    const outcomes = await Promise.allSettled([open(), open(), open()]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.status)).toEqual([422, 422]);
    expect((await getJson(`/internal/returns?orderId=${orderId}`)).body).toHaveLength(1);
  });

  it('when a return is received, then the refund is computed and return.received.v1 is emitted once even if the command comes twice', async () => {
    const orderId = await deliveredOrder();
    const returnId = `ret-${randomUUID()}`;
    await send('return.open.v1', {
      returnId,
      orderId,
      lines: [
        { sku: 'A', quantity: 2, reason: 'r' },
        { sku: 'B', quantity: 1, reason: 'r' },
      ],
      actor: 'c',
    });

    const receive: MessageData<'return.receive.v1'> = {
      returnId,
      locationId: 'wh-berlin',
      lines: [
        { sku: 'A', quantity: 2, condition: 'resellable' },
        { sku: 'B', quantity: 1, condition: 'damaged' },
      ],
      actor: 'ops:anna',
    };
    const first = await send('return.receive.v1', receive);
    const expectedRefund = 2 * 1250 + 899;
    expect(first).toEqual({
      status: 'done',
      result: expect.objectContaining({
        id: returnId,
        orderId,
        status: 'received',
        refundAmount: expectedRefund,
        currency: 'EUR',
        receipt: expect.objectContaining({ locationId: 'wh-berlin', lines: receive.lines, actor: 'ops:anna' }),
      }),
    });
    const messageId = randomUUID();
    const second = await send('return.receive.v1', receive, messageId);
    const redelivered = await send('return.receive.v1', receive, messageId);
    expect(second).toEqual(first);
    expect(redelivered).toEqual(first);

    await tap.settle();
    const received = tap.of<MessageData<'return.received.v1'>>('return.received.v1').filter((e) => e.data.returnId === returnId);
    expect(received).toHaveLength(1);
    expect(received[0].data).toEqual({ orderId, returnId, locationId: 'wh-berlin', lines: receive.lines, refundAmount: expectedRefund, currency: 'EUR' });
    expect((await getJson(`/internal/returns/${returnId}`)).body).toMatchObject({ status: 'received', refundAmount: expectedRefund });
  });

  it('when a return refunds the shipping, then its refund includes what was paid for shipping; a second return of the order cannot refund it again', async () => {
    const orderId = await deliveredOrder(495);
    const returnId = `ret-${randomUUID()}`;
    const opened = await send('return.open.v1', {
      returnId,
      orderId,
      lines: [{ sku: 'B', quantity: 1, reason: 'faulty' }],
      refundShipping: true,
      actor: 'ops',
    });
    expect(opened).toMatchObject({ status: 'done', result: { refundShipping: true } });
    await expect(
      send('return.open.v1', {
        returnId: `ret-${randomUUID()}`,
        orderId,
        lines: [{ sku: 'A', quantity: 1, reason: 'faulty' }],
        refundShipping: true,
        actor: 'ops',
      }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringContaining(`refunded with return ${returnId}`) });
    const received = await send('return.receive.v1', {
      returnId,
      locationId: 'berlin',
      lines: [{ sku: 'B', quantity: 1, condition: 'damaged' }],
      actor: 'ops',
    });
    expect(received).toMatchObject({ status: 'done', result: { status: 'received', refundAmount: 899 + 495 } });
    const event = await eventually(() => tap.events('return.received.v1', orderId).find((e) => e.data.returnId === returnId));
    expect(event.data.refundAmount).toBe(1394);
  });

  it('when a receipt holds more than the return or an unknown return is received, then 422 and 404', async () => {
    const orderId = await deliveredOrder();
    const returnId = `ret-${randomUUID()}`;
    await send('return.open.v1', { returnId, orderId, lines: [{ sku: 'A', quantity: 1, reason: 'r' }], actor: 'c' });
    await expect(
      send('return.receive.v1', { returnId, locationId: 'wh', lines: [{ sku: 'A', quantity: 2, condition: 'resellable' }], actor: 'o' }),
    ).rejects.toMatchObject({
      status: 422,
      errors: [{ path: 'lines.0.quantity', message: expect.any(String) }],
    });
    await expect(
      send('return.receive.v1', { returnId: 'ret-nope', locationId: 'wh', lines: [{ sku: 'A', quantity: 1, condition: 'resellable' }], actor: 'o' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    expect((await getJson('/internal/returns/ret-nope')).status).toBe(404);
    expect((await getJson('/internal/returns?orderId=')).status).toBe(422);
  });

  it('when the refund and the restock of a received return are refused (command.refused.v1), then the return shows both failures and that the refund failed, once each', async () => {
    const orderId = await deliveredOrder();
    const returnId = `ret-${randomUUID()}`;
    await send('return.open.v1', { returnId, orderId, lines: [{ sku: 'A', quantity: 1, reason: 'broken' }], actor: 'o' });
    await send('return.receive.v1', { returnId, locationId: 'wh', lines: [{ sku: 'A', quantity: 1, condition: 'resellable' }], actor: 'o' });
    const refusal = (command: string, detail: string) => ({
      orderId,
      command,
      commandId: randomUUID(),
      returnId,
      status: 422,
      title: 'Unprocessable Content',
      detail,
    });
    // As the refusing services' consumers publish them; the refund's refusal comes twice (a redelivery).
    const refund = refusal('payment.refund.v1', 'the payment provider refused the refund (402): refund_declined');
    const refundId = randomUUID();
    await bus.broker.publish('command.refused.v1', refund, { correlationId: orderId, id: refundId });
    await bus.broker.publish('command.refused.v1', refund, { correlationId: orderId, id: refundId });
    await bus.broker.publish('command.refused.v1', refusal('stock.restock.v1', 'location wh does not exist'), { correlationId: orderId });
    // A refusal about no return (every refused command reaches this queue) changes nothing.
    const { returnId: _none, ...aboutNoReturn } = refusal('stock.reserve.v1', 'sku X is unknown');
    await bus.broker.publish('command.refused.v1', aboutNoReturn, { correlationId: orderId });

    const shown = await eventually(async () => {
      const { body } = await getJson(`/internal/returns/${returnId}`);
      return body.failures?.length === 2 && body;
    });
    // The copy of the refund's refusal adds nothing, whenever it is handled.
    await expectNothingWithin(300, async () => (await getJson(`/internal/returns/${returnId}`)).body.failures.length !== 2, 'a refusal recorded twice');
    expect(shown).toMatchObject({ id: returnId, status: 'received', refundAmount: 1250, refund: 'failed' });
    expect(shown.failures).toEqual([
      { command: 'payment.refund.v1', status: 422, detail: 'the payment provider refused the refund (402): refund_declined', at: expect.any(String) },
      { command: 'stock.restock.v1', status: 422, detail: 'location wh does not exist', at: expect.any(String) },
    ]);
  });

  it('when only the restock of a return is refused, then the return shows the failure but not a failed refund', async () => {
    const orderId = await deliveredOrder();
    const returnId = `ret-${randomUUID()}`;
    await send('return.open.v1', { returnId, orderId, lines: [{ sku: 'B', quantity: 1, reason: 'broken' }], actor: 'o' });
    const refused = { orderId, command: 'stock.restock.v1', commandId: randomUUID(), returnId, status: 422, title: 'Unprocessable Content', detail: 'no' };
    await bus.broker.publish('command.refused.v1', refused, { correlationId: orderId });
    const shown = await eventually(async () => {
      const { body } = await getJson(`/internal/returns/${returnId}`);
      return body.failures?.length === 1 && body;
    });
    expect(shown).toMatchObject({ status: 'requested' });
    expect(shown).not.toHaveProperty('refund');
  });
});
