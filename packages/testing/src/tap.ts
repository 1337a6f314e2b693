import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { EVENTS_EXCHANGE, type Envelope } from '@oms/contracts';

/**
 * A test's window on the broker: a private queue bound to the events exchange (to see what services
 * publish), and basic.get on service queues (to see commands a service sent while their consumer is not
 * running in the test).
 */
export class BrokerTap {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    private readonly eventsQueue: string,
  ) {}

  readonly seen: Envelope[] = [];

  static async open(amqpUrl: string, eventKeys: string[] = ['#']): Promise<BrokerTap> {
    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const key of eventKeys) await channel.bindQueue(queue, EVENTS_EXCHANGE, key);
    const tap = new BrokerTap(connection, channel, queue);
    await channel.consume(queue, (msg) => msg && tap.seen.push(JSON.parse(msg.content.toString())), { noAck: true });
    return tap;
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
