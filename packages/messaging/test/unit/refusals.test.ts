import type { Envelope } from '@oms/contracts';
import { AppError, Refusal } from '@oms/errors';
import { deterministicId } from '../../src/envelope';
import { refusalNotice } from '../../src/refusals';

/** What the consumer announces when a command nobody waits for is refused (command.refused.v1). */
const envelope = (type: string, data: Record<string, unknown>): Envelope => ({
  id: 'cmd-1',
  type,
  occurredAt: '2026-01-01T10:00:00.000Z',
  producer: 'ingestion',
  correlationId: 'order-1',
  causationId: 'evt-0',
  data,
});

describe('refusalNotice', () => {
  it('when a refund is refused, then the notice names the order key, the command, its return and the problem, under an id derived from the command', () => {
    const notice = refusalNotice(
      envelope('payment.refund.v1', { orderId: 'order-1~2', returnId: 'ret-1', amount: 100, currency: 'EUR' }),
      new Refusal('invalid', 'the payment provider refused the refund (402): refund_declined'),
    );
    expect(notice).toEqual({
      data: {
        orderId: 'order-1~2',
        command: 'payment.refund.v1',
        commandId: 'cmd-1',
        returnId: 'ret-1',
        status: 422,
        title: 'Unprocessable Content',
        detail: 'the payment provider refused the refund (402): refund_declined',
      },
      meta: { id: deterministicId('cmd-1', 'command.refused.v1'), correlationId: 'order-1', causationId: 'cmd-1' },
    });
  });

  it('when a command without a return is refused without detail, then the title stands for the detail and no returnId is given', () => {
    const notice = refusalNotice(envelope('stock.reserve.v1', { orderId: 'order-1', lines: [] }), new AppError(409, 'Conflict'));
    expect(notice?.data).toEqual({ orderId: 'order-1', command: 'stock.reserve.v1', commandId: 'cmd-1', status: 409, title: 'Conflict', detail: 'Conflict' });
  });

  it('when a detail is longer than the event allows, then it is cut to 1000 characters', () => {
    const notice = refusalNotice(envelope('stock.release.v1', { orderId: 'order-1' }), new AppError(422, 'Unprocessable Content', 'x'.repeat(5000)));
    expect(notice?.data.detail).toHaveLength(1000);
  });

  it('when a command naming only its fulfillment is refused with the order named by the refusal, then the notice goes on that order', () => {
    const refusal = new Refusal('conflict', 'fulfillment f-1 is cancelled and cannot be packed', undefined, { orderId: 'order-7' });
    const notice = refusalNotice(envelope('fulfillment.pack.v1', { fulfillmentId: 'f-1', actor: 'x' }), refusal);
    expect(notice?.data).toMatchObject({ orderId: 'order-7', command: 'fulfillment.pack.v1', status: 409 });
  });

  it.each([
    ['an event', envelope('order.delivered.v1', { orderId: 'order-1' }), new AppError(422, 'Unprocessable Content', 'no')],
    ['a command naming no order', envelope('fulfillment.pack.v1', { fulfillmentId: 'f-1', actor: 'x' }), new AppError(404, 'Not Found', 'no')],
    ['a status outside 4xx', envelope('stock.release.v1', { orderId: 'order-1' }), new AppError(304, 'Not Modified')],
  ])('when %s is refused, then there is nothing to announce (it goes to the DLQ)', (_what, env, err) => {
    expect(refusalNotice(env, err)).toBeUndefined();
  });
});
