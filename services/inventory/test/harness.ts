import amqp, { type ChannelModel } from 'amqplib';
import { commands, EVENTS_EXCHANGE, type Envelope, type MessageData, type MessageType } from '@oms/contracts';
import { createLogger } from '@oms/logging';
import { Broker, CommandClient, type MessageMeta } from '@oms/messaging';
import type { RunningService } from '@oms/runtime';
import { eventually, type TestStack } from '@oms/testing';
import { definition } from '../src/service';

/** Records every stock.* event the service publishes, on a private queue bound to the events exchange. */
export class EventTap {
  readonly events: Envelope<any>[] = [];
  private constructor(private readonly connection: ChannelModel) {}

  static async open(amqpUrl: string): Promise<EventTap> {
    const connection = await amqp.connect(amqpUrl);
    const tap = new EventTap(connection);
    const ch = await connection.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    await ch.bindQueue(queue, EVENTS_EXCHANGE, 'stock.#');
    await ch.consume(queue, (msg) => msg && tap.events.push(JSON.parse(msg.content.toString('utf8'))), { noAck: true });
    return tap;
  }

  of(type: string, orderId: string): Envelope<any>[] {
    return this.events.filter((e) => e.type === type && e.data.orderId === orderId);
  }

  /** Waits for the first event of this type for the order. */
  async next(type: string, orderId: string): Promise<Envelope<any>> {
    return eventually(() => this.of(type, orderId)[0]);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** A location.upsert.v1 command with the contract's defaults for what is left out, as PUT /v1/locations sends it. */
export const locationCommand = (locationId: string, fields: Partial<MessageData<'location.upsert.v1'>> = {}): MessageData<'location.upsert.v1'> =>
  commands['location.upsert.v1'].parse({ locationId, name: `Location ${locationId}`, type: 'warehouse', actor: 'ops:test', ...fields });

/** The inventory service running in-process, with a command sender and an event tap. */
export class InventoryHarness {
  private constructor(
    readonly running: RunningService<unknown>,
    readonly broker: Broker,
    readonly client: CommandClient,
    readonly tap: EventTap,
  ) {}

  static async start(stack: TestStack, env: Record<string, string> = {}): Promise<InventoryHarness> {
    // A short lease: a rebuild of the counters (at the first start, and in the Redis-loss tests) waits one.
    const running = await stack.start(definition, { INVENTORY_LEASE_MS: '1000', ...env });
    const broker = new Broker({ url: stack.amqpUrl, service: 'inventory-test', logger: createLogger('inventory-test', 'silent') });
    await broker.connect();
    const client = new CommandClient(broker);
    await client.start();
    return new InventoryHarness(running as RunningService<unknown>, broker, client, await EventTap.open(stack.amqpUrl));
  }

  /** Send a command and return the handler's answer (throws the AppError it refused with). */
  async send<T extends MessageType>(type: T, data: MessageData<T>, meta: Partial<MessageMeta> = {}): Promise<any> {
    const outcome = await this.client.send(type, data, { correlationId: meta.correlationId ?? 'test', ...meta }, 30000);
    if (outcome.status !== 'done') throw new Error(`${type} got no answer`);
    return outcome.result;
  }

  async get(path: string): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.running.url}${path}`);
    return { status: res.status, body: await res.json() };
  }

  async stock(sku: string): Promise<any> {
    const { status, body } = await this.get(`/internal/inventory/${sku}`);
    if (status !== 200) throw new Error(`GET inventory ${sku} answered ${status}`);
    return body;
  }

  async location(id: string, type: 'warehouse' | 'store' = 'warehouse', fields: Partial<MessageData<'location.upsert.v1'>> = {}): Promise<any> {
    return this.send('location.upsert.v1', locationCommand(id, { type, ...fields }));
  }

  async receive(sku: string, locationId: string, quantity: number): Promise<void> {
    await this.send('stock.record-movements.v1', { movements: [{ sku, locationId, quantity, type: 'receipt' }], actor: 'ops:test' });
  }

  async close(): Promise<void> {
    await this.tap.close();
    await this.client.close();
    await this.broker.close();
  }
}
