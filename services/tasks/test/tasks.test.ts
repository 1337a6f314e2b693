import { randomUUID } from 'node:crypto';
import type { EventType, MessageData, RuleId, RuleSettings } from '@oms/contracts';
import type { RunningService } from '@oms/runtime';
import { TestBus, TestStack, eventually, expectNothingWithin } from '@oms/testing';
import { definition } from '../src/service';

/** About a second, in the hours a rule's afterHours counts. */
const A_SECOND = 1 / 3600;

describe('tasks service (trigger rules, tasks, red flags)', () => {
  let stack: TestStack;
  let service: RunningService<unknown>;
  let bus: TestBus;

  beforeAll(async () => {
    stack = await TestStack.create();
    service = (await stack.start(definition, { SCHEDULER_PASS_MS: '200' })) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl, ['rule.#']);
  });

  afterAll(async () => {
    await bus?.close();
    await stack?.cleanup();
  });

  const getJson = async (path: string) => {
    const res = await fetch(`${service.url}${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const publish = <T extends EventType>(type: T, data: MessageData<T>, id?: string) =>
    bus.broker.publish(type, data, { correlationId: 'test', ...(id ? { id } : {}) });
  const configure = (ruleId: RuleId, settings: Partial<RuleSettings>) =>
    bus.commands.send('rule.configure.v1', { ruleId, ...settings, actor: 'test' }, { correlationId: ruleId });
  const todo = async (query = '') => (await getJson(`/internal/tasks?${query}`)).body.items as any[];
  const ofOrder = async (orderId: string) => (await getJson(`/internal/orders/${orderId}/tasks`)).body.items as any[];
  const statusChanged = (orderId: string, from: string, to: string) => publish('order.status-changed.v1', { orderId, channel: 'shop', from, to });

  it('when a fulfillment opens, then its location gets a pack task at once, which packing closes by itself', async () => {
    const orderId = `ord-${randomUUID()}`;
    const fulfillmentId = `ful-${randomUUID()}`;
    await publish('fulfillment.opened.v1', { orderId, fulfillmentId, locationId: 'berlin' });
    const [task] = await eventually(async () => {
      const found = (await todo('assignee=location:berlin')).filter((t) => t.orderId === orderId);
      return found.length > 0 ? found : undefined;
    });
    expect(task).toMatchObject({
      rule: 'pack-order',
      state: 'open',
      link: { kind: 'fulfillment', id: fulfillmentId },
      locationId: 'berlin',
      priority: 'normal',
    });
    expect(task.title).toContain(orderId);
    expect(new Date(task.dueAt).getTime()).toBeGreaterThan(Date.now());

    await publish('fulfillment.packed.v1', { orderId, fulfillmentId, locationId: 'berlin', lines: [{ sku: 'A', quantity: 1 }], actor: 'picker' });
    const closed = await eventually(async () => {
      const t = (await getJson(`/internal/tasks/${task.id}`)).body;
      return t.state === 'done' ? t : undefined;
    });
    expect(closed).toMatchObject({ closedBy: 'system', note: 'packed' });
    expect((await todo('assignee=location:berlin')).map((t) => t.id)).not.toContain(task.id);
    const doneToday = (await todo('status=done')).map((t) => t.id);
    expect(doneToday).toContain(task.id);
  });

  it('when an order stays on hold past the rule’s time, then the scheduler opens a task and publishes rule.triggered.v1; leaving the hold closes it', async () => {
    await configure('order-on-hold', { afterHours: A_SECOND, emitEvent: true });
    const orderId = `ord-${randomUUID()}`;
    await statusChanged(orderId, 'pending', 'on_hold');
    const [task] = await eventually(async () => {
      const found = await ofOrder(orderId);
      return found.length > 0 ? found : undefined;
    });
    expect(task).toMatchObject({ rule: 'order-on-hold', state: 'open', assignee: 'team:ops', priority: 'high' });
    const triggered = await eventually(() => bus.tap.events('rule.triggered.v1').find((e) => e.data.orderId === orderId));
    expect(triggered.data).toMatchObject({ ruleId: 'order-on-hold', taskId: task.id, link: { kind: 'order', id: orderId }, flagRed: false });

    await statusChanged(orderId, 'on_hold', 'ready_to_fulfill');
    await eventually(async () => (await ofOrder(orderId))[0]?.state === 'done');
    expect((await ofOrder(orderId))[0]).toMatchObject({ closedBy: 'system', note: 'order ready_to_fulfill' });
  });

  it('when a hold ends before the rule’s time, then no task opens and no event is published', async () => {
    // Ten seconds: time enough for the end to be handled however busy the machine, and more than the wait below.
    await configure('order-on-hold', { afterHours: 10 * A_SECOND, emitEvent: true });
    const orderId = `ord-${randomUUID()}`;
    await statusChanged(orderId, 'pending', 'on_hold');
    await statusChanged(orderId, 'on_hold', 'ready_to_fulfill');
    await expectNothingWithin(
      3000,
      async () => (await ofOrder(orderId)).length > 0 || bus.tap.events('rule.triggered.v1').some((e) => e.data.orderId === orderId),
      'a task for a hold already ended',
    );
  });

  it('when an order ships and is not delivered in time, then it is flagged red, and its delivery lifts the flag', async () => {
    await configure('delivery-overdue', { afterHours: A_SECOND });
    const orderId = `ord-${randomUUID()}`;
    await statusChanged(orderId, 'packed', 'shipped');
    const flag = await eventually(async () => ((await getJson('/internal/red-flags')).body.items as any[]).find((t) => t.orderId === orderId));
    expect(flag).toMatchObject({ rule: 'delivery-overdue', flagRed: true, state: 'open', assignee: 'team:customer-service' });
    await statusChanged(orderId, 'in_transit', 'delivered');
    await eventually(async () => !((await getJson('/internal/red-flags')).body.items as any[]).some((t) => t.orderId === orderId));
  });

  it('when a parcel gets no scan for the rule’s time, then a task opens; the scan that comes closes it and starts the clock again', async () => {
    await configure('shipment-without-tracking', { afterHours: A_SECOND });
    const orderId = `ord-${randomUUID()}`;
    const shipmentId = `shp-${randomUUID()}`;
    const scan = (status: 'in_transit' | 'delivered', at = new Date().toISOString()) =>
      publish('shipment.tracking-updated.v1', { orderId, shipmentId, carrierId: 'dhl', trackingNumber: 'T1', status, occurredAt: at });
    await publish('shipment.booked.v1', { orderId, shipmentId, carrierId: 'dhl', trackingNumber: 'T1' });
    const first = await eventually(async () => (await ofOrder(orderId)).find((t) => t.state === 'open'));
    expect(first).toMatchObject({ rule: 'shipment-without-tracking', link: { kind: 'shipment', id: shipmentId } });

    await scan('in_transit');
    await eventually(async () => (await ofOrder(orderId)).find((t) => t.id === first.id)?.state === 'done');
    expect((await ofOrder(orderId)).find((t) => t.id === first.id)).toMatchObject({ note: 'tracking: in_transit', closedBy: 'system' });
    // The clock started again at the scan: a second gap opens a second task.
    const second = await eventually(async () => (await ofOrder(orderId)).find((t) => t.state === 'open' && t.id !== first.id));
    await scan('delivered');
    await eventually(async () => (await ofOrder(orderId)).find((t) => t.id === second.id)?.state === 'done');
  });

  it('when a task is claimed and completed with a note, then it is the claimer’s and done; a second completion is a conflict', async () => {
    const orderId = `ord-${randomUUID()}`;
    const fulfillmentId = `ful-${randomUUID()}`;
    await publish('fulfillment.opened.v1', { orderId, fulfillmentId, locationId: 'hamburg' });
    const task = await eventually(async () => (await ofOrder(orderId))[0]);

    // Staff of another location do not see it.
    await expect(
      bus.commands.send('task.claim.v1', { taskId: task.id, actor: 'eve', locations: ['berlin'] }, { correlationId: task.id }),
    ).rejects.toMatchObject({
      status: 404,
    });
    expect((await getJson(`/internal/tasks/${task.id}?locations=berlin`)).status).toBe(404);

    const claimed = await bus.commands.send('task.claim.v1', { taskId: task.id, actor: 'anna', locations: ['hamburg'] }, { correlationId: task.id });
    expect(claimed).toMatchObject({ status: 'done', result: { state: 'claimed', assignee: 'user:anna', claimedBy: 'anna' } });
    expect((await todo('assignee=user:anna')).map((t) => t.id)).toContain(task.id);
    expect((await todo('status=open&assignee=location:hamburg')).map((t) => t.id)).not.toContain(task.id);

    const done = await bus.commands.send('task.complete.v1', { taskId: task.id, note: 'packed by hand', actor: 'anna' }, { correlationId: task.id });
    expect(done).toMatchObject({ result: { state: 'done', closedBy: 'anna', note: 'packed by hand' } });
    await expect(bus.commands.send('task.complete.v1', { taskId: task.id, note: 'again', actor: 'anna' }, { correlationId: task.id })).rejects.toMatchObject({
      status: 409,
    });
    // The packing that follows finds the task done and changes nothing.
    await publish('fulfillment.packed.v1', { orderId, fulfillmentId, locationId: 'hamburg', lines: [{ sku: 'A', quantity: 1 }], actor: 'anna' });
    await bus.tap.settle();
    expect((await getJson(`/internal/tasks/${task.id}`)).body).toMatchObject({ state: 'done', closedBy: 'anna', note: 'packed by hand' });
  });

  it('when the same situation is started by many events at once and one twice, then it has one task', async () => {
    const orderId = `ord-${randomUUID()}`;
    const id = randomUUID();
    const screening = { score: 70, outcome: 'review' as const, reasons: ['new customer'] };
    await Promise.all([
      ...Array.from({ length: 8 }, () => publish('payment.review.v1', { orderId, checkId: 'c1', amount: 1000, currency: 'EUR', screening })),
      publish('payment.review.v1', { orderId, checkId: 'c1', amount: 1000, currency: 'EUR', screening }, id),
      publish('payment.review.v1', { orderId, checkId: 'c1', amount: 1000, currency: 'EUR', screening }, id),
    ]);
    await eventually(async () => (await ofOrder(orderId)).length > 0);
    await bus.tap.settle();
    await new Promise((r) => setTimeout(r, 500));
    expect(await ofOrder(orderId)).toHaveLength(1);
    expect((await ofOrder(orderId))[0]).toMatchObject({ rule: 'payment-review-waiting', state: 'open', assignee: 'team:payments' });
  });

  it('when the service restarts while a rule’s clock runs, then the rule still acts once its time comes', async () => {
    await configure('return-not-received', { afterHours: 3 * A_SECOND });
    const orderId = `ord-${randomUUID()}`;
    const returnId = `ret-${randomUUID()}`;
    await publish('return.opened.v1', { orderId, returnId, lines: [{ sku: 'A', quantity: 1, reason: 'too small' }] });
    await eventually(async () => {
      const res = await getJson(`/internal/tasks?status=todo`);
      return res.status === 200;
    });
    await new Promise((r) => setTimeout(r, 300)); // the event is handled: the clock is stored
    await service.stop();
    await new Promise((r) => setTimeout(r, 3500)); // the clock ends while no replica runs
    service = (await stack.start(definition, { SCHEDULER_PASS_MS: '200' })) as RunningService<unknown>;
    const task = await eventually(async () => (await ofOrder(orderId))[0]);
    expect(task).toMatchObject({ rule: 'return-not-received', state: 'open', link: { kind: 'return', id: returnId }, assignee: 'team:returns' });
  });

  it('when rules are listed and one is changed, then each shows its settings in force beside its defaults', async () => {
    await configure('stock-low', { assignee: 'team:buyers', priority: 'high' });
    const { body } = await getJson('/internal/rules');
    expect(body.items).toHaveLength(10);
    const rule = (await getJson('/internal/rules/stock-low')).body;
    expect(rule).toMatchObject({
      id: 'stock-low',
      assignee: 'team:buyers',
      priority: 'high',
      enabled: true,
      updatedBy: 'test',
      defaults: { assignee: 'team:purchasing' },
    });
    await publish('stock.low.v1', { sku: 'SKU-9', locationId: 'berlin', available: 2, reorderPoint: 5 });
    const task = await eventually(async () => (await todo('assignee=team:buyers')).find((t) => t.link.id === 'SKU-9@berlin'));
    expect(task).toMatchObject({ rule: 'stock-low', priority: 'high', title: 'Replenish SKU-9 at berlin' });
    // Goods received: the task closes itself with what brought it back.
    await publish('stock.replenished.v1', { sku: 'SKU-9', locationId: 'berlin', available: 12, reorderPoint: 5 });
    await eventually(async () => !(await todo('assignee=team:buyers')).some((t) => t.link.id === 'SKU-9@berlin'));
    expect((await getJson(`/internal/tasks/${task!.id}`)).body).toMatchObject({
      state: 'done',
      closedBy: 'system',
      note: expect.stringContaining('replenished'),
    });
    expect((await getJson('/internal/rules/nope')).status).toBe(404);
  });

  it('when the inbox is asked for overdue tasks or with a bad filter, then it answers them, or a 422', async () => {
    await configure('refund-failed', { dueInHours: 0 });
    const orderId = `ord-${randomUUID()}`;
    const returnId = `ret-${randomUUID()}`;
    await publish('command.refused.v1', {
      orderId,
      command: 'payment.refund.v1',
      commandId: randomUUID(),
      returnId,
      status: 409,
      title: 'Conflict',
      detail: 'the provider refused',
    });
    const task = await eventually(async () => (await todo('due=overdue')).find((t) => t.orderId === orderId));
    expect(task).toMatchObject({ rule: 'refund-failed', priority: 'urgent' });
    expect((await getJson('/internal/tasks?due=someday')).status).toBe(422);
    expect((await getJson('/internal/tasks?status=nope')).status).toBe(422);
    await publish('payment.refunded.v1', { orderId, returnId, amount: 100, currency: 'EUR', providerRef: 'p' });
    await eventually(async () => !(await todo('due=overdue')).some((t) => t.orderId === orderId));
  });
});
