import { orderCommand } from '../../src/application/order-commands';

/** Order commands go out without a read of the order: the sender's channels travel with them. */
describe('order commands from the API', () => {
  const data = { orderId: 'o-1', reason: 'changed my mind', actor: 'key:1' };

  it('when an ops key sends one, then it carries no channel scope (any order)', () => {
    expect(orderCommand({ actor: 'key:1', roles: ['ops'] }, 'order.cancel.v1', data)).toEqual({ type: 'order.cancel.v1', data, correlationId: 'o-1' });
  });

  it('when a channel key sends one, then it carries that key’s channels, for ingestion to check', () => {
    const command = orderCommand({ actor: 'key:1', roles: ['channel:webshop', 'channel:app'] }, 'order.cancel.v1', data);
    expect(command.data).toEqual({ ...data, channels: ['webshop', 'app'] });
  });

  it('when the gateway accepted the order moments ago, then the command says its intake is on the way', () => {
    expect(orderCommand({ actor: 'key:1', roles: ['ops'] }, 'order.cancel.v1', data, true).data).toEqual({ ...data, intakeInFlight: true });
  });

  it('when a key without channel roles sends one, then it is refused as not found without asking anyone', () => {
    expect(() => orderCommand({ actor: 'key:1', roles: ['partner:dhl'] }, 'order.cancel.v1', data)).toThrow(
      expect.objectContaining({ status: 404, detail: 'Order o-1 was not found' }),
    );
  });
});
