import { createLogger } from '@oms/logging';
import { Broker, CommandClient } from '@oms/messaging';
import { BrokerTap } from './tap';

/**
 * How a component test talks to a service over the broker: `broker` publishes events as other services
 * would, `commands` sends commands and waits for their answers, `tap` sees the events published under
 * `eventKeys`. One per test file; `close()` in afterAll.
 */
export class TestBus {
  private constructor(
    readonly broker: Broker,
    readonly commands: CommandClient,
    readonly tap: BrokerTap,
  ) {}

  static async open(amqpUrl: string, eventKeys: string[] = ['#']): Promise<TestBus> {
    const broker = new Broker({ url: amqpUrl, service: 'test', logger: createLogger('test', 'silent') });
    await broker.connect();
    const commands = new CommandClient(broker);
    await commands.start();
    return new TestBus(broker, commands, await BrokerTap.open(amqpUrl, eventKeys));
  }

  async close(): Promise<void> {
    await this.tap.close();
    await this.commands.close();
    await this.broker.close();
  }
}
