import type { Channel } from 'amqplib';
import { EVENTS_EXCHANGE, type Envelope, type EventType } from '@oms/contracts';
import type { Logger } from '@oms/logging';
import type { Broker } from './broker';

export type LiveListener = (event: Envelope & { type: EventType }) => void;

/**
 * Events of some types as they happen, for this process only: a private, non-durable queue (exclusive,
 * deleted with the connection) bound to the events exchange, re-made after every reconnect. For what is
 * shown live and may be missed (a browser's live updates: it reloads its lists on reconnect), never for
 * work: work goes through the durable queues of QUEUES.
 */
export class LiveEvents {
  private readonly listeners = new Set<LiveListener>();
  private channel?: Channel;

  constructor(
    private readonly broker: Broker,
    private readonly types: readonly EventType[],
    private readonly logger: Logger,
  ) {
    broker.onConnect(async () => this.listen());
  }

  async start(): Promise<void> {
    if (this.broker.isConnected() && !this.channel) await this.listen();
  }

  /** Calls `listener` with every event from now on; answers the function that stops it. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async listen(): Promise<void> {
    const ch = await this.broker.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false, arguments: { 'x-max-length': 10_000 } });
    for (const type of this.types) await ch.bindQueue(queue, EVENTS_EXCHANGE, type);
    await ch.consume(
      queue,
      (msg) => {
        if (!msg) return;
        let event: Envelope & { type: EventType };
        try {
          event = JSON.parse(msg.content.toString('utf8')) as Envelope & { type: EventType };
        } catch {
          return; // not ours to judge: the durable consumers dead-letter what does not parse
        }
        for (const listener of this.listeners) {
          try {
            listener(event);
          } catch (err) {
            this.logger.warn({ err: (err as Error).message }, 'a live event listener failed');
          }
        }
      },
      { noAck: true },
    );
    this.channel = ch;
  }
}
