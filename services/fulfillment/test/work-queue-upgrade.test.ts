import mongoose, { type Connection } from 'mongoose';
import { TestStack } from '@oms/testing';
import { definition } from '../src/service';

const address = { name: 'Ada Lovelace', line1: '1 Analytical Way', postalCode: '10115', city: 'Berlin', country: 'DE' };

/**
 * Work stored before the active queues were read by ship-by day and hour (no day notes, no `queueHour`): the
 * service lists it after its start, once, and leaves a fulfillment already done alone.
 */
describe('fulfillment work queues: work stored before they were read by day and hour', () => {
  let stack: TestStack;
  let db: Connection;
  let url: string;
  const shipBy = new Date(Date.now() + 86_400_000);
  const stored = (id: string, status: string) => ({
    _id: id,
    orderId: `ord-${id}`,
    locationId: 'wh-old',
    lines: [{ sku: 'SKU-OLD', quantity: 1 }],
    shippingAddress: address,
    shippingMethod: 'standard',
    status,
    shipBy,
    queue: `wh-old|${status}`,
    queueDay: shipBy.toISOString().slice(0, 10),
    createdAt: new Date(),
    outbox: [],
    processed: [],
    sent: [],
  });

  beforeAll(async () => {
    stack = await TestStack.create();
    db = await mongoose.createConnection(stack.mongoUrl('fulfillment')).asPromise();
    await db.collection('fulfillments').insertMany([stored('f-open', 'open'), stored('f-packed', 'packed'), stored('f-done', 'handed_over')] as never[]);
    url = (await stack.start(definition)).url;
  });
  afterAll(async () => {
    await db?.close();
    await stack?.cleanup();
  });

  const queue = async (status: string) => ((await (await fetch(`${url}/internal/fulfillments?locationId=wh-old&status=${status}`)).json()) as any).items;

  it('when the service starts, then the stored active work is listed in its queues, with its hour set', async () => {
    expect((await queue('open')).map((f: any) => f.id)).toEqual(['f-open']);
    expect((await queue('packed')).map((f: any) => f.id)).toEqual(['f-packed']);
    const hours = await db
      .collection('fulfillments')
      .find({}, { projection: { queueHour: 1 } })
      .sort({ _id: 1 })
      .toArray();
    expect(hours.map((h) => [h._id, h.queueHour])).toEqual([
      ['f-done', undefined],
      ['f-open', shipBy.toISOString().slice(0, 13)],
      ['f-packed', shipBy.toISOString().slice(0, 13)],
    ]);
  });
});
