import { randomUUID } from 'node:crypto';
import { BrokerTap, TestStack, eventually } from '@oms/testing';
import { InventoryHarness } from './harness';

/**
 * A restock as ingestion sends it, without a reply queue, to a location inventory does not know: refused, and
 * the refusal is published (command.refused.v1) for the order and its return instead of being forgotten.
 */
describe('inventory: a restock refused with nobody waiting', () => {
  let stack: TestStack;
  let inv: InventoryHarness;
  let refusals: BrokerTap;

  beforeAll(async () => {
    stack = await TestStack.create();
    inv = await InventoryHarness.start(stack);
    refusals = await BrokerTap.open(stack.amqpUrl, ['command.refused.v1']);
    await inv.location('WH-A');
  });
  afterAll(async () => {
    await refusals?.close();
    await inv?.close();
    await stack?.cleanup();
  });

  it('when a restock names an unknown location, then command.refused.v1 says so and nothing is booked', async () => {
    const orderId = randomUUID();
    const returnId = `ret-${randomUUID()}`;
    const lines = [{ sku: 'REFUSED-1', quantity: 2, condition: 'resellable' as const }];
    const command = await inv.broker.publish('stock.restock.v1', { orderId, returnId, locationId: 'nowhere', lines }, { correlationId: orderId });

    const refused = await eventually(() => refusals.events('command.refused.v1', orderId)[0]);
    expect(refused).toMatchObject({ producer: 'inventory', causationId: command.id });
    expect(refused.data).toEqual({
      orderId,
      command: 'stock.restock.v1',
      commandId: command.id,
      returnId,
      status: 422,
      title: 'Unprocessable Content',
      detail: 'location nowhere does not exist',
    });
    // The refusal is published once the handler refused: by then nothing was booked or announced for the return.
    expect((await inv.get('/internal/inventory/REFUSED-1/movements')).body.movements).toEqual([]);
    expect(inv.tap.of('stock.restocked.v1', orderId)).toEqual([]);
  });
});
