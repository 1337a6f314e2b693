import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage, type GetMessage } from 'amqplib';
import { PARTNER_QUEUE_ARGUMENTS, type MessageData } from '@oms/contracts';
import type { CommandClient } from '@oms/messaging';
import type { RunningService } from '@oms/runtime';
import { createCarrierSandbox, serve, type RunningSandbox } from '@oms/sandboxes';
import { eventually, PrivateRabbitMq, TestBus, TestStack } from '@oms/testing';
import { definition } from '../src/service';

/**
 * Provisioning of partners' feeds through RabbitMQ's management API, on a RabbitMQ of the test's own with the
 * management plugin (the shared broker has none): the queue, its binding and a user that reads it only.
 */
describe('partner feeds (private RabbitMQ with the management API)', () => {
  let rabbit: PrivateRabbitMq;
  let stack: TestStack;
  let sandbox: RunningSandbox;
  let service: RunningService<unknown>;
  let bus: TestBus;
  let client: CommandClient;
  const connections: ChannelModel[] = [];

  beforeAll(async () => {
    rabbit = await PrivateRabbitMq.start();
    stack = await TestStack.create(rabbit);
    sandbox = await serve(createCarrierSandbox().app);
    service = (await stack.start(definition, { CARRIER_SANDBOX_URL: sandbox.url, RABBITMQ_MANAGEMENT_URL: rabbit.managementUrl })) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl, ['shipment.#']);
    client = bus.commands;
    for (const id of ['fast-freight', 'slow-freight'])
      await client.send('carrier.configure.v1', { carrierId: id, name: id, kind: 'table', actor: 'test' }, { correlationId: id });
  }, 120_000);

  afterAll(async () => {
    for (const c of connections) await c.close().catch(() => undefined);
    await bus?.close();
    await stack?.cleanup();
    await sandbox?.close();
    await rabbit?.stop();
  }, 60_000);

  const provision = async (partnerId: string, extra: { rotatePassword?: boolean } = {}) => {
    const outcome = await client.send(
      'partner.provision.v1',
      { partnerId, name: `${partnerId} GmbH`, ...extra, actor: 'test' },
      { correlationId: partnerId },
      10_000,
    );
    if (outcome.status !== 'done') throw new Error('provisioning did not answer');
    return outcome.result as { id: string; amqp: { user: string; queue: string; vhost: string }; password?: string };
  };
  const connectAs = async (user: string, password: string) => {
    const connection = await amqp.connect(`amqp://${user}:${encodeURIComponent(password)}@127.0.0.1:${rabbit.amqpPort}/${encodeURIComponent(stack.vhost)}`);
    connection.on('error', () => undefined);
    connections.push(connection);
    return connection;
  };
  /** A channel whose closing by the broker is seen through the failed call, not as an unhandled 'error'. */
  const quietChannel = async (connection: ChannelModel): Promise<Channel> => {
    const ch = await connection.createChannel();
    ch.on('error', () => undefined);
    return ch;
  };
  const booked = (carrierId: string): MessageData<'shipment.booked.v1'> => ({
    orderId: `ord-${randomUUID()}`,
    shipmentId: `shp-${randomUUID()}`,
    carrierId,
    trackingNumber: `T${randomUUID().slice(0, 8)}`,
  });

  it('when a partner is provisioned, then its queue is bound, its user reads it only, and the password is answered once', async () => {
    const first = await provision('fast-freight');
    expect(first.amqp).toEqual({ user: 'partner-fast-freight', queue: 'partner.fast-freight', vhost: stack.vhost });
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const state = (await (await fetch(`${service.url}/internal/partners/fast-freight`)).json()) as any;
    expect(state).toMatchObject({
      provisioning: true,
      partner: { name: 'fast-freight GmbH', amqp: first.amqp },
      broker: {
        queue: { name: 'partner.fast-freight', messages: 0, arguments: PARTNER_QUEUE_ARGUMENTS },
        bound: true,
        user: { exists: true, permissions: { configure: '^$', write: '^$', read: '^partner\\.fast-freight$' } },
      },
    });
    expect(JSON.stringify(state)).not.toContain(first.password);

    // Again: nothing changes, and no password (the one given still works).
    const again = await provision('fast-freight');
    expect(again.password).toBeUndefined();
    await connectAs('partner-fast-freight', first.password!);
  });

  it("when events of two carriers are published, then a partner's user reads its own from its queue and never the other's", async () => {
    const fast = await provision('fast-freight', { rotatePassword: true });
    const slow = await provision('slow-freight');
    const mine = booked('fast-freight');
    const theirs = booked('slow-freight');
    await bus.broker.publish('shipment.booked.v1', theirs, { correlationId: theirs.orderId });
    await bus.broker.publish('shipment.booked.v1', mine, { correlationId: mine.orderId });

    const ch = await quietChannel(await connectAs(fast.amqp.user, fast.password!));
    const received: ConsumeMessage[] = [];
    await ch.consume(fast.amqp.queue, (msg) => msg && (received.push(msg), ch.ack(msg)));
    await eventually(() => received.some((m) => JSON.parse(m.content.toString()).data.shipmentId === mine.shipmentId));
    const other = await quietChannel(await connectAs(slow.amqp.user, slow.password!));
    const theirsSeen = (await eventually(() => other.get(slow.amqp.queue, { noAck: true }))) as GetMessage;
    expect(JSON.parse(theirsSeen.content.toString()).data.shipmentId).toBe(theirs.shipmentId);
    expect(received.map((m) => JSON.parse(m.content.toString()).data.carrierId)).toEqual(received.map(() => 'fast-freight'));
    expect(received[0].properties.headers).toMatchObject({ 'oms-partner': 'fast-freight' });
  });

  it("when a partner's user tries another partner's queue, declares or publishes, then the broker refuses (ACCESS_REFUSED)", async () => {
    const fast = await provision('fast-freight', { rotatePassword: true });
    const connection = await connectAs(fast.amqp.user, fast.password!);
    await expect((await quietChannel(connection)).consume('partner.slow-freight', () => undefined)).rejects.toThrow(/ACCESS_REFUSED/);
    await expect((await quietChannel(connection)).assertQueue('partner.fast-freight.mine')).rejects.toThrow(/ACCESS_REFUSED/);
    const publisher = await connection.createConfirmChannel();
    const closed = new Promise<Error>((resolve) => publisher.on('error', resolve));
    publisher.publish('oms.events', 'shipment.booked.v1', Buffer.from('{}'));
    expect((await closed).message).toMatch(/ACCESS_REFUSED/);
  });

  it('when the password is rotated, then the old one is refused and the new one works', async () => {
    const before = await provision('slow-freight', { rotatePassword: true });
    const after = await provision('slow-freight', { rotatePassword: true });
    expect(after.password).not.toBe(before.password);
    await expect(connectAs('partner-slow-freight', before.password!)).rejects.toThrow(/ACCESS_REFUSED|403/);
    await connectAs('partner-slow-freight', after.password!);
  });

  it('when the carrier does not exist, then provisioning is refused as not found and nothing is made on the broker', async () => {
    await expect(
      client.send('partner.provision.v1', { partnerId: 'nobody', name: 'Nobody', actor: 'test' }, { correlationId: 'nobody' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    expect((await rabbit.api('GET', `/queues/${encodeURIComponent(stack.vhost)}/partner.nobody`)).status).toBe(404);
    expect((await rabbit.api('GET', '/users/partner-nobody')).status).toBe(404);
  });
});
