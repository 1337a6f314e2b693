/** Test-side helpers for the messaging tests: a raw AMQP view of a test vhost, and the broker's connections. */
import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { createLogger } from '@oms/logging';
import { Broker, type BrokerOptions } from '@oms/messaging';
import { rabbitmqctl, TestStack } from '@oms/testing';

export const silent = createLogger('messaging-test', process.env.OMS_TEST_LOG_LEVEL ?? 'silent');

export function newBroker(url: string, service: string, extra: Partial<BrokerOptions> = {}): Broker {
  return new Broker({ url, service, logger: silent, reconnectDelaysMs: [50, 100, 200], ...extra });
}

/** A plain amqplib connection to look at queues from the outside (not through the kit under test). */
export class RawAmqp {
  private constructor(
    readonly connection: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(url: string): Promise<RawAmqp> {
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    return new RawAmqp(connection, channel);
  }

  async count(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Take every message that is in the queue now (acked: they are removed). */
  async drain(queue: string): Promise<GetMessage[]> {
    const out: GetMessage[] = [];
    for (;;) {
      const msg = await this.channel.get(queue, { noAck: true });
      if (!msg) return out;
      out.push(msg);
    }
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Broker-side pids of the connections in `vhost` whose client-provided name is `name`. */
export async function connectionPids(vhost: string, name: string): Promise<string[]> {
  // Tab-separated rows: `<rabbit@host.N.N.N>  vhost  [{"connection_name","name"},...]` (the JSON formatter's
  // pids are not accepted back by close_connection).
  const out = await rabbitmqctl('list_connections', 'pid', 'vhost', 'client_properties');
  return out
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([, v, props]) => v === vhost && props?.includes(`{"connection_name","${name}"}`))
    .map(([pid]) => pid);
}

/** Close the named connection(s) from the broker's side, as a broker restart or a network cut would. */
export async function killConnection(vhost: string, name: string): Promise<number> {
  const pids = await connectionPids(vhost, name);
  for (const pid of pids) await rabbitmqctl('close_connection', pid, 'test: connection killed');
  return pids.length;
}

/**
 * A duration in a scenario (a handler's work, a producer's back-off), never a wait for a condition: for that,
 * `eventually` or an awaited event; for "it does not happen", `expectNothingWithin` (@oms/testing).
 */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function header(msg: GetMessage, name: string): unknown {
  return msg.properties.headers?.[name];
}

/** A test file's own vhost, a connected kit Broker, and a raw AMQP view of the vhost. */
export async function openMessagingTest(service: string): Promise<{ stack: TestStack; broker: Broker; raw: RawAmqp }> {
  const stack = await TestStack.create();
  const broker = newBroker(stack.amqpUrl, service);
  await broker.connect();
  return { stack, broker, raw: await RawAmqp.open(stack.amqpUrl) };
}

export async function closeMessagingTest(stack: TestStack, broker: Broker, raw: RawAmqp): Promise<void> {
  await broker.close();
  await raw.close();
  await stack.cleanup();
}
