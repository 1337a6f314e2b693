import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { EVENTS_EXCHANGE, type Envelope } from '@oms/contracts';

const MARKER = 'test.tap-marker';

/**
 * A temporary queue bound to the events exchange of the test's vhost: collects the events a service emits.
 * `settle()` sends a marker through the same exchange and waits for it, so every event published before
 * it has arrived: "exactly once" can be asserted without sleeping.
 */
export class EventTap {
  readonly events: Envelope[] = [];
  private markers = new Set<string>();

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async open(amqpUrl: string, routingKeys: string[]): Promise<EventTap> {
    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const key of [...routingKeys, MARKER]) await channel.bindQueue(queue, EVENTS_EXCHANGE, key);
    const tap = new EventTap(connection, channel);
    await channel.consume(
      queue,
      (msg) => {
        if (!msg) return;
        if (msg.fields.routingKey === MARKER) tap.markers.add(msg.content.toString());
        else tap.events.push(JSON.parse(msg.content.toString('utf8')) as Envelope);
      },
      { noAck: true },
    );
    return tap;
  }

  of<T = Record<string, unknown>>(type: string): Array<Envelope<T>> {
    return this.events.filter((e) => e.type === type) as Array<Envelope<T>>;
  }

  async settle(timeoutMs = 5000): Promise<void> {
    const id = `${Date.now()}-${Math.random()}`;
    this.channel.publish(EVENTS_EXCHANGE, MARKER, Buffer.from(id));
    const deadline = Date.now() + timeoutMs;
    while (!this.markers.has(id)) {
      if (Date.now() > deadline) throw new Error('event tap marker did not arrive');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
