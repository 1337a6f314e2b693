import { QUEUES, RULE_IDS, ruleSettingsSchema, type RuleSettings } from '@oms/contracts';
import { assigneeFor, RULES, ruleById, signalsOf, type WatchedFact } from '../../src/domain/rules';
import { beginEpisode, endEpisode, restartClock } from '../../src/domain/task';
import { storedState } from '../../src/data-access/task-model';

const fact = (type: string, data: object): WatchedFact => ({ type, data, occurredAt: '2026-12-07T10:00:00.000Z', producer: 'test' }) as WatchedFact;
const meaning = (f: WatchedFact) => signalsOf(f).map(({ rule, signal }) => [rule.id, signal.effect, `${signal.link.kind}:${signal.link.id}`]);
const statusChange = (from: string, to: string) => fact('order.status-changed.v1', { orderId: 'o1', from, to });

describe('trigger rules', () => {
  it('when the rules are listed, then every built-in rule is there once with defaults the API accepts', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort());
    for (const rule of RULES) expect(ruleSettingsSchema.parse(rule.defaults)).toEqual(rule.defaults);
  });

  it('when an order ships, then the 14-day delivery clock starts (red), and delivery, return or cancellation stop it', () => {
    expect(meaning(statusChange('packed', 'shipped'))).toEqual([['delivery-overdue', 'start', 'order:o1']]);
    expect(ruleById('delivery-overdue')!.defaults).toMatchObject({ afterHours: 14 * 24, flagRed: true });
    for (const to of ['delivered', 'returned', 'cancelled'])
      expect(meaning(statusChange('in_transit', to))).toContainEqual(['delivery-overdue', 'stop', 'order:o1']);
    expect(meaning(statusChange('shipped', 'in_transit'))).toEqual([]);
  });

  it('when an order goes on hold, then its clock starts, and leaving the hold stops it', () => {
    expect(meaning(statusChange('pending', 'on_hold'))).toEqual([['order-on-hold', 'start', 'order:o1']]);
    expect(meaning(statusChange('on_hold', 'ready_to_fulfill'))).toEqual([['order-on-hold', 'stop', 'order:o1']]);
  });

  it('when a cancelled order was waiting for a payment review, then the review task stops with every other situation of the order', () => {
    expect(meaning(statusChange('on_hold', 'cancelled'))).toEqual([
      ['delivery-overdue', 'stop', 'order:o1'],
      ['order-on-hold', 'stop', 'order:o1'],
      ['payment-review-waiting', 'stop', 'order:o1'],
    ]);
    expect(meaning(fact('payment.review.v1', { orderId: 'o1' }))).toEqual([['payment-review-waiting', 'start', 'order:o1']]);
    expect(meaning(fact('payment.approved.v1', { orderId: 'o1' }))).toEqual([['payment-review-waiting', 'stop', 'order:o1']]);
  });

  it('when a parcel is scanned, then its no-tracking clock starts again, and its last scan or its cancellation stops it', () => {
    const scan = (status: string) => fact('shipment.tracking-updated.v1', { orderId: 'o1', shipmentId: 's1', status });
    expect(meaning(fact('shipment.booked.v1', { orderId: 'o1', shipmentId: 's1' }))).toEqual([['shipment-without-tracking', 'start', 'shipment:s1']]);
    expect(meaning(scan('in_transit'))).toEqual([['shipment-without-tracking', 'renew', 'shipment:s1']]);
    expect(meaning(scan('delivered'))).toEqual([['shipment-without-tracking', 'stop', 'shipment:s1']]);
    expect(meaning(scan('returned_to_sender'))).toEqual([['shipment-without-tracking', 'stop', 'shipment:s1']]);
    expect(meaning(fact('shipment.cancelled.v1', { orderId: 'o1', shipmentId: 's1' }))).toEqual([['shipment-without-tracking', 'stop', 'shipment:s1']]);
  });

  it('when a fulfillment opens, then its location gets a pack task, which packing or a cancellation of the order closes', () => {
    const opened = signalsOf(fact('fulfillment.opened.v1', { orderId: 'o1', fulfillmentId: 'f1', locationId: 'berlin' }));
    expect(opened.map(({ rule }) => rule.id)).toEqual(['pack-order']);
    expect(assigneeFor(opened[0]!.rule.defaults, opened[0]!.signal)).toBe('location:berlin');
    expect(meaning(fact('fulfillment.packed.v1', { orderId: 'o1', fulfillmentId: 'f1', locationId: 'berlin' }))).toEqual([
      ['pack-order', 'stop', 'fulfillment:f1'],
    ]);
    expect(meaning(fact('fulfillment.cancelled.v1', { orderId: 'o1', fulfillmentIds: ['f1', 'f2'] }))).toEqual([
      ['pack-order', 'stop', 'fulfillment:f1'],
      ['pack-order', 'stop', 'fulfillment:f2'],
      ['pickup-not-collected', 'stop', 'fulfillment:f1'],
      ['pickup-not-collected', 'stop', 'fulfillment:f2'],
    ]);
  });

  it('when a webhook delivery is given up, then its subscription gets one task for ops, which closes by hand', () => {
    expect(meaning(fact('webhook.delivery-failed.v1', { subscriptionId: 'sub-1', deliveryId: 'd-1' }))).toEqual([
      ['webhook-delivery-failed', 'start', 'webhook:sub-1'],
    ]);
    expect(ruleById('webhook-delivery-failed')!.defaults).toMatchObject({ afterHours: 0, assignee: 'team:ops', priority: 'high' });
  });

  it('when a refund is refused, then a refund task starts for the return, and the refund done stops it; other refusals mean nothing', () => {
    const refused = (command: string) =>
      fact('command.refused.v1', { orderId: 'o1', command, returnId: 'r1', commandId: 'c', status: 409, title: 't', detail: 'd' });
    expect(meaning(refused('payment.refund.v1'))).toEqual([['refund-failed', 'start', 'return:r1']]);
    expect(meaning(refused('stock.restock.v1'))).toEqual([]);
    expect(meaning(fact('payment.refunded.v1', { orderId: 'o1', returnId: 'r1' }))).toEqual([['refund-failed', 'stop', 'return:r1']]);
  });

  it('when stock of a SKU at a location falls to its reorder point, then a replenishment starts, and stock back above it stops it', () => {
    const level = { sku: 'A', locationId: 'berlin', available: 2, reorderPoint: 5 };
    expect(meaning(fact('stock.low.v1', level))).toEqual([['stock-low', 'start', 'sku:A@berlin']]);
    expect(meaning(fact('stock.replenished.v1', { ...level, available: 12 }))).toEqual([['stock-low', 'stop', 'sku:A@berlin']]);
  });

  it('when a webhook delivery is given up, then a task starts for its subscription, and a failed delivery redelivered and taken stops it', () => {
    expect(meaning(fact('webhook.delivery-failed.v1', { subscriptionId: 'sub-1', deliveryId: 'd-1' }))).toEqual([
      ['webhook-delivery-failed', 'start', 'webhook:sub-1'],
    ]);
    expect(meaning(fact('webhook.delivery-recovered.v1', { subscriptionId: 'sub-1', deliveryId: 'd-1' }))).toEqual([
      ['webhook-delivery-failed', 'stop', 'webhook:sub-1'],
    ]);
  });

  it('when the rules meet each event type of their queue, then every one of them means something to some rule', () => {
    const watched = QUEUES.find((q) => q.name === 'tasks.signals')!.events;
    const samples: Record<string, object> = {
      'order.status-changed.v1': { orderId: 'o1', from: 'on_hold', to: 'cancelled' },
      'fulfillment.short-picked.v1': { orderId: 'o1', fulfillmentId: 'f1', emptied: true },
      'fulfillment.cancelled.v1': { orderId: 'o1', fulfillmentIds: ['f1'] },
      'command.refused.v1': { orderId: 'o1', command: 'payment.refund.v1', returnId: 'r1' },
      'shipment.tracking-updated.v1': { orderId: 'o1', shipmentId: 's1', status: 'delivered' },
      'stock.low.v1': { sku: 'A', locationId: 'berlin' },
      'stock.replenished.v1': { sku: 'A', locationId: 'berlin' },
      'webhook.delivery-failed.v1': { subscriptionId: 'sub-1', deliveryId: 'd-1' },
      'webhook.delivery-recovered.v1': { subscriptionId: 'sub-1', deliveryId: 'd-1' },
    };
    for (const type of watched) {
      const data = samples[type] ?? { orderId: 'o1', fulfillmentId: 'f1', shipmentId: 's1', returnId: 'r1', locationId: 'berlin' };
      expect([type, signalsOf(fact(type, data)).length > 0]).toEqual([type, true]);
    }
  });
});

describe('episodes of a rule', () => {
  const settings = (over: Partial<RuleSettings> = {}): RuleSettings => ({ ...ruleById('order-on-hold')!.defaults, ...over });
  const rule = ruleById('order-on-hold')!;
  const signal = { effect: 'start' as const, link: { kind: 'order' as const, id: 'o1' }, orderId: 'o1' };
  const at = new Date('2026-12-07T10:00:00.000Z');

  it('when a situation begins with time to wait, then it waits, and the scheduler finds it in the hour its clock ends', () => {
    const task = beginEpisode(rule, settings({ afterHours: 24 }), signal, at, at);
    expect(task).toMatchObject({ state: 'waiting', fireAt: new Date('2026-12-08T10:00:00.000Z'), assignee: 'team:ops' });
    expect(storedState(task).set).toMatchObject({ situation: 'order-on-hold|order:o1', fireHour: '2026-12-08T10', todo: false, redFlag: false });
  });

  it('when the rule acts at once, then the task is open and due, and red when the rule flags red', () => {
    const task = beginEpisode(rule, settings({ afterHours: 0, dueInHours: 2, flagRed: true }), signal, at, at);
    expect(task).toMatchObject({ state: 'open', dueAt: new Date('2026-12-07T12:00:00.000Z') });
    const { set, unset } = storedState(task);
    expect(set).toMatchObject({ todo: true, redFlag: true, situation: 'order-on-hold|order:o1' });
    expect(unset).toMatchObject({ fireHour: 1, fireAt: 1 });
  });

  it('when a rule neither opens a task nor flags red, then acting ends the episode (it only emits its event)', () => {
    const task = beginEpisode(rule, settings({ afterHours: 0, createTask: false, flagRed: false, emitEvent: true }), signal, at, at);
    expect(task.state).toBe('dropped');
    expect(storedState(task).set).toMatchObject({ todo: false, redFlag: false });
  });

  it('when an event started long ago is processed late, then a clock already past acts at once', () => {
    expect(beginEpisode(rule, settings({ afterHours: 1 }), signal, at, new Date('2026-12-07T12:00:00.000Z')).state).toBe('open');
  });

  it('when a clock restarts from a late event, then it never ends before now', () => {
    const now = new Date('2026-12-09T00:00:00.000Z');
    expect(restartClock({ afterHours: 1 }, at, now).fireAt).toEqual(now);
    expect(restartClock({ afterHours: 72 }, at, now).fireAt).toEqual(new Date('2026-12-10T10:00:00.000Z'));
  });

  it('when the situation ends, then a waiting episode is dropped and an open task is done by itself, off the inbox', () => {
    expect(endEpisode({ state: 'waiting' }, 'order ready_to_fulfill', at)).toMatchObject({ state: 'dropped', closedBy: 'system' });
    const open = beginEpisode(rule, settings({ afterHours: 0 }), signal, at, at);
    const done = { ...open, ...endEpisode(open, 'order ready_to_fulfill', at) };
    expect(done).toMatchObject({ state: 'done', closedBy: 'system', note: 'order ready_to_fulfill' });
    expect(storedState(done)).toMatchObject({ set: { todo: false, redFlag: false, closedDay: '2026-12-07' }, unset: { situation: 1 } });
  });
});
