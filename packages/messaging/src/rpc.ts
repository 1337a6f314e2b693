import { randomUUID } from 'node:crypto';
import type { Channel } from 'amqplib';
import type { MessageData, MessageType } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { Broker } from './broker';
import type { MessageMeta } from './envelope';
import { REPLY_BY_HEADER, type RpcReply } from './consumer';

export type RequestOutcome = { status: 'done'; result: unknown } | { status: 'pending' };

/**
 * Sends commands and waits a bounded time for the handler's answer (on a private reply queue), so an HTTP
 * command can answer 404/409/422 like a synchronous API. When no answer comes in time the command still
 * sits in its durable queue and will be carried out: the caller answers 202 then.
 */
export class CommandClient {
  private replyQueue?: string;
  private channel?: Channel;
  private readonly waiting = new Map<string, (reply: RpcReply) => void>();

  constructor(private readonly broker: Broker) {
    broker.onConnect(async () => this.listen());
  }

  async start(): Promise<void> {
    if (this.broker.isConnected() && !this.replyQueue) await this.listen();
  }

  private async listen(): Promise<void> {
    const ch = await this.broker.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await ch.consume(
      queue,
      (msg) => {
        if (!msg) return;
        const resolve = this.waiting.get(String(msg.properties.correlationId));
        if (!resolve) return;
        try {
          resolve(JSON.parse(msg.content.toString('utf8')) as RpcReply);
        } catch {
          resolve({ ok: false, problem: { type: 'about:blank', title: 'Bad Gateway', status: 502 } });
        }
      },
      { noAck: true },
    );
    this.channel = ch;
    this.replyQueue = queue;
  }

  /** Throws the handler's AppError when it refused the command. */
  async send<T extends MessageType>(type: T, data: MessageData<T>, meta: MessageMeta, timeoutMs = 5000): Promise<RequestOutcome> {
    await this.broker.ready();
    if (!this.replyQueue) await this.listen();
    // Listen before publishing: the answer may arrive before the publish is confirmed.
    const messageId = meta.id ?? randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<RpcReply | undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.waiting.set(messageId, resolve);
    });
    try {
      // The handler learns until when we wait: a refusal after that has nobody to hear it (consumer.ts).
      const headers = { [REPLY_BY_HEADER]: Date.now() + timeoutMs };
      await this.broker.publish(type, data, { ...meta, id: messageId }, { replyTo: this.replyQueue, requireRoute: true, headers });
      const reply = await answered;
      if (!reply) return { status: 'pending' };
      if (!reply.ok) throw reply.problem ? AppError.fromProblem(reply.problem) : new AppError(502, 'Bad Gateway');
      return { status: 'done', result: reply.result };
    } finally {
      clearTimeout(timer);
      this.waiting.delete(messageId);
    }
  }

  async close(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }
}
