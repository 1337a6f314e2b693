import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { EVENTS_EXCHANGE, type Envelope } from '@oms/contracts';

const MARKER = 'test.tap-marker';

/**
 * A test's window on the broker: a private queue bound to the events exchange (to see what services
 * publish), and basic.get on service queues (to see commands a service sent while their consumer is not
 * running in the test).
 */
export class BrokerTap {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  readonly seen: Envelope[] = [];

  static async open(amqpUrl: string, eventKeys: string[] = ['#']): Promise<BrokerTap> {
    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const key of [...eventKeys, MARKER]) await channel.bindQueue(queue, EVENTS_EXCHANGE, key);
    const tap = new BrokerTap(connection, channel);
    await channel.consume(
      queue,
      (msg) => {
        if (!msg) return;
        if (msg.fields.routingKey === MARKER) tap.markers.add(msg.content.toString());
        else tap.seen.push(JSON.parse(msg.content.toString()));
      },
      { noAck: true },
    );
    return tap;
  }

  private readonly markers = new Set<string>();

  /** Events of a type seen so far, whatever their correlation id. */
  of<T = Record<string, unknown>>(type: string): Array<Envelope<T>> {
    return this.seen.filter((e) => e.type === type) as Array<Envelope<T>>;
  }

  /**
   * Send a marker through the events exchange and wait for it: every event confirmed before it has
   * arrived by then, so "exactly once" can be asserted without sleeping.
   */
  async settle(timeoutMs = 5000): Promise<void> {
    const id = `${Date.now()}-${Math.random()}`;
    this.channel.publish(EVENTS_EXCHANGE, MARKER, Buffer.from(id));
    const deadline = Date.now() + timeoutMs;
    while (!this.markers.has(id)) {
      if (Date.now() > deadline) throw new Error('event tap marker did not arrive');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Events of a type seen so far (optionally for one correlation id). */
  events(type: string, correlationId?: string): Envelope<any>[] {
    return this.seen.filter((e) => e.type === type && (!correlationId || e.correlationId === correlationId));
  }

  /** Take every message waiting in a queue right now (acknowledged: they are consumed). */
  async drain(queue: string): Promise<Envelope<any>[]> {
    const out: Envelope<any>[] = [];
    for (;;) {
      const msg = await this.channel.get(queue, { noAck: true });
      if (!msg) return out;
      out.push(JSON.parse(msg.content.toString()));
    }
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/**
 * What BrokerTap.settle does, for a test's own queue on the events exchange read with plain amqplib (a test that
 * checks every message as it arrives, say). `bind` binds the marker key to the queue; the queue's consumer hands
 * each message to `isMarker` first and skips the markers; `settle()` sends a marker and waits for it. A message
 * confirmed to its publisher is in the queue already, ahead of the marker: once `settle()` returns, every event
 * confirmed before the call has been consumed, so "nothing more was published" needs no sleep.
 */
export class QueueSettler {
  private readonly arrived = new Set<string>();

  private constructor(private readonly channel: Channel) {}

  static async bind(channel: Channel, queue: string): Promise<QueueSettler> {
    await channel.bindQueue(queue, EVENTS_EXCHANGE, MARKER);
    return new QueueSettler(channel);
  }

  /** True for a marker (this settler's or a BrokerTap's on the same vhost): the consumer skips it. */
  isMarker(msg: ConsumeMessage): boolean {
    if (msg.fields.routingKey !== MARKER) return false;
    this.arrived.add(msg.content.toString());
    return true;
  }

  async settle(timeoutMs = 5000): Promise<void> {
    const id = `${Date.now()}-${Math.random()}`;
    this.channel.publish(EVENTS_EXCHANGE, MARKER, Buffer.from(id));
    const deadline = Date.now() + timeoutMs;
    while (!this.arrived.has(id)) {
      if (Date.now() > deadline) throw new Error('settle marker did not arrive');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
