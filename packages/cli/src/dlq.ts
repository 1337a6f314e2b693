import amqp, { type Channel, type ChannelModel, type GetMessage, type Options } from 'amqplib';
import { QUEUES } from '@oms/contracts';

/**
 * `oms dlq ...`: look at, replay and purge the dead-letter queues (`<queue>.dlq`) that QueueConsumer
 * (@oms/messaging) fills, straight over AMQP, so operators never hand-write a script against a live broker.
 * Nothing here declares a queue: a queue that is missing is reported (wrong vhost?), never created.
 */

export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

// Written by QueueConsumer when it dead-letters a message.
const ERROR_HEADER = 'x-oms-error';
const FAILED_AT_HEADER = 'x-oms-failed-at';
const ATTEMPT_HEADER = 'x-oms-attempt';
// Written by QueueConsumer on a retry: the counts a replay starts afresh.
const ERRORS_HEADER = 'x-oms-errors';
const FIRST_TRANSIENT_HEADER = 'x-oms-first-transient-failure';
// Written by a replay, so the handler's logs and a later look at the DLQ tell a replayed message apart, and
// so that the consumer hands it to its handler as possibly handled before (HandlerContext.repeated): its
// work may be stored with events never published, which the handler's duplicate path then sends.
const REPLAYED_AT_HEADER = 'x-oms-replayed-at';
const REPLAYS_HEADER = 'x-oms-replays';

const DLQ_SUFFIX = '.dlq';

export interface DlqOptions {
  /** Broker URL including the vhost; default $AMQP_URL, then DEFAULT_AMQP_URL. */
  amqpUrl?: string;
  json?: boolean;
  /** Where output goes (tests capture it). */
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

export interface ShowOptions extends DlqOptions {
  limit?: number;
  /** Print each message body too. */
  body?: boolean;
}

export interface ReplayOptions extends DlqOptions {
  /** Replay at most this many messages. */
  limit?: number;
  /** Replay only the messages with these message ids; the others stay in the DLQ. */
  ids?: string[];
  /** Print what would be replayed; change nothing. */
  dryRun?: boolean;
}

export interface PurgeOptions extends DlqOptions {
  yes?: boolean;
}

/** What an operator needs to know about one dead letter. */
export interface DeadLetter {
  messageId?: string;
  type?: string;
  correlationId?: string;
  /** Why the consumer gave up (`x-oms-error`). */
  reason?: string;
  /** Attempts made before it was dead-lettered (`x-oms-attempt`). */
  attempt?: number;
  /** When it was dead-lettered (`x-oms-failed-at`, ISO time). */
  deadLetteredAt?: string;
  /** How often it was replayed before (`x-oms-replays`). */
  replays?: number;
  body?: unknown;
}

/** A failure the operator can act on: printed as `oms: <message>`, exit code 1. */
class DlqError extends Error {}

/** `oms dlq list`: every DLQ of the topology with its message count. Exit 1 when one is missing. */
export async function listDlqs(options: DlqOptions = {}): Promise<number> {
  const out = options.out ?? process.stdout;
  return session(options, async (conn, url) => {
    const rows: Array<{ queue: string; messages: number | null }> = [];
    for (const q of QUEUES) {
      const dlq = q.name + DLQ_SUFFIX;
      rows.push({ queue: dlq, messages: (await messageCount(conn, dlq)) ?? null });
    }
    const missing = rows.filter((r) => r.messages === null);
    if (options.json) {
      out.write(`${JSON.stringify({ vhost: vhostOf(url), queues: rows })}\n`);
    } else {
      const width = Math.max(...rows.map((r) => r.queue.length));
      out.write(`dead-letter queues on vhost ${vhostOf(url)}\n`);
      for (const r of rows) out.write(`${r.queue.padEnd(width)}  ${r.messages ?? 'missing (not declared on this vhost)'}\n`);
      const total = rows.reduce((sum, r) => sum + (r.messages ?? 0), 0);
      out.write(`${total} dead letter(s) in all\n`);
    }
    if (missing.length) {
      (options.err ?? process.stderr).write(
        `oms: ${missing.length} DLQ(s) missing on vhost ${vhostOf(url)}: wrong vhost in the URL, or no service has started there yet (nothing was created)\n`,
      );
      return 1;
    }
    return 0;
  });
}

/**
 * `oms dlq show <queue>`: the first `limit` dead letters, left in the DLQ. They are taken with basic.get
 * and held unacknowledged until all are read (a message handed back at once would come back to the head
 * and be read again), then all handed back together: a classic queue puts them back in their place, a
 * quorum queue (RabbitMQ 3.10) at its tail, raising their x-delivery-count.
 */
export async function showDlq(queue: string, options: ShowOptions = {}): Promise<number> {
  const out = options.out ?? process.stdout;
  const limit = options.limit ?? 10;
  return sessionOn(queue, options, async (conn, target, vhost) => {
    const dlq = target + DLQ_SUFFIX;
    const total = await requireQueue(conn, dlq, vhost);
    const ch = await openChannel(conn);
    const held: GetMessage[] = [];
    try {
      while (held.length < limit) {
        const msg = await ch.get(dlq, { noAck: false });
        if (!msg) break;
        held.push(msg);
      }
    } finally {
      if (held.length) ch.nackAll(true);
      await ch.close().catch(() => undefined); // close-ok comes after the broker processed the nack
    }
    const letters = held.map(readDeadLetter);
    if (options.json) {
      for (const letter of letters) out.write(`${JSON.stringify(letter)}\n`);
      return 0;
    }
    out.write(`${dlq}: ${total} dead letter(s), showing ${letters.length} (none removed)\n`);
    letters.forEach((l, i) => {
      out.write(
        `${i + 1}. ${l.messageId ?? '(no id)'}  ${l.type ?? '(no type)'}  correlation ${l.correlationId ?? '-'}${l.replays ? `  replayed ${l.replays}x` : ''}\n`,
      );
      out.write(`   dead-lettered ${l.deadLetteredAt ?? '(time unknown)'} after attempt ${l.attempt ?? '?'}: ${l.reason ?? '(no reason recorded)'}\n`);
      if (options.body) out.write(`   body: ${typeof l.body === 'string' ? l.body : JSON.stringify(l.body)}\n`);
    });
    return 0;
  });
}

/**
 * `oms dlq replay <queue>`: move dead letters back to `<queue>` for a fresh set of attempts. Each copy is
 * republished (default exchange, persistent, mandatory) on a confirm channel and acked in the DLQ only after
 * the broker confirmed the new one, so a crash at any point can duplicate a message but never lose it
 * (handlers are idempotent). Messages not selected (`--id`) are held until the end and then handed back
 * to the DLQ untouched (held, not handed back at once: they would come back to the head and be read again).
 *
 * Exit code: 0 done; 2 some requested ids were not in the DLQ; 1 nothing could start or a publish failed.
 */
export async function replayDlq(queue: string, options: ReplayOptions = {}): Promise<number> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  return sessionOn(queue, options, async (conn, target, vhost) => {
    const dlq = target + DLQ_SUFFIX;
    await requireQueue(conn, target, vhost);
    // Only what is in the DLQ now: a replayed message that fails again lands at its tail and must not be
    // picked up again by this run (with a handler still broken, that would loop for ever).
    const present = await requireQueue(conn, dlq, vhost);
    const wanted = options.ids?.length ? new Set(options.ids) : undefined;
    const limit = options.limit ?? Infinity;
    const found = new Set<string>();
    const counts = { selected: 0, replayed: 0, skipped: 0, failed: 0 };
    let unroutable = false;

    const ch = await conn.createConfirmChannel();
    ch.on('error', () => undefined); // a broken channel fails the pending calls; they report it
    // basic.return comes before the confirm of the same message: from then on nothing more is acked.
    ch.on('return', () => (unroutable = true));
    const confirms: Array<Promise<void>> = [];
    const replayedAt = new Date().toISOString();
    try {
      for (let read = 0; read < present && counts.selected < limit; read++) {
        const msg = await ch.get(dlq, { noAck: false });
        if (!msg) break;
        const letter = readDeadLetter(msg);
        if (wanted && !wanted.has(letter.messageId ?? '')) {
          counts.skipped++; // held: handed back below
          continue;
        }
        counts.selected++;
        if (letter.messageId) found.add(letter.messageId);
        if (options.dryRun) {
          out.write(`would replay ${label(letter)}\n`);
          continue;
        }
        confirms.push(
          new Promise<void>((resolve) => {
            ch.publish('', target, msg.content, replayProperties(msg, replayedAt), (publishErr) => {
              try {
                if (publishErr || unroutable) throw publishErr ?? new Error('unroutable');
                ch.ack(msg);
                counts.replayed++;
                out.write(`replayed ${label(letter)}\n`);
              } catch {
                counts.failed++; // not acked: it goes back to the DLQ
              }
              resolve();
            });
          }),
        );
      }
    } finally {
      // Every callback runs, with an error if the channel closed, so this never hangs.
      await Promise.all(confirms);
      // Everything not acked (skipped, dry run, not confirmed) goes back to the DLQ untouched.
      try {
        ch.nackAll(true);
      } catch {
        // channel already closed: the broker hands unacked messages back by itself
      }
      await ch.close().catch(() => undefined);
    }
    // Counted, not asked of the broker: a quorum queue takes handed-back messages asynchronously, so a count
    // read right now can miss them. (Letters dead-lettered meanwhile are not in it.)
    const left = present - counts.replayed;
    const notFound = wanted ? [...wanted].filter((id) => !found.has(id)) : [];
    if (options.dryRun) {
      out.write(`dry run: would replay ${counts.selected}, skip ${counts.skipped}; nothing changed (${left} in ${dlq})\n`);
    } else {
      out.write(`replayed ${counts.replayed}, skipped ${counts.skipped}${counts.failed ? `, failed ${counts.failed}` : ''}; left ${left} in ${dlq}\n`);
    }
    if (notFound.length) err.write(`oms: not in ${dlq}: ${notFound.join(', ')}\n`);
    if (unroutable)
      err.write(
        `oms: the broker returned a replayed message as unroutable (was ${target} deleted?); unconfirmed messages were left in ${dlq}, some may have been delivered too\n`,
      );
    if (counts.failed)
      err.write(
        `oms: ${counts.failed} message(s) were left in ${dlq}: not confirmed by the broker, or confirmed but the channel closed before their DLQ copy was removed (those are in both queues now)\n`,
      );
    if (counts.failed || unroutable) return 1;
    return notFound.length ? 2 : 0;
  });
}

/** `oms dlq purge <queue> --yes`: delete every dead letter of a queue. Refuses without `yes`. */
export async function purgeDlq(queue: string, options: PurgeOptions = {}): Promise<number> {
  const out = options.out ?? process.stdout;
  return sessionOn(queue, options, async (conn, target, vhost) => {
    const dlq = target + DLQ_SUFFIX;
    const count = await requireQueue(conn, dlq, vhost);
    if (!options.yes) {
      throw new DlqError(`refusing to delete the ${count} message(s) in ${dlq} without --yes (look first: oms dlq show ${queue})`);
    }
    const ch = await openChannel(conn);
    const { messageCount: purged } = await ch.purgeQueue(dlq);
    await ch.close().catch(() => undefined);
    out.write(`purged ${purged} message(s) from ${dlq}\n`);
    return 0;
  });
}

/** Connect, run one command, close; every failure becomes one `oms: ...` line and exit code 1. */
async function session(options: DlqOptions, work: (conn: ChannelModel, url: string) => Promise<number>): Promise<number> {
  const err = options.err ?? process.stderr;
  const url = options.amqpUrl ?? process.env.AMQP_URL ?? DEFAULT_AMQP_URL;
  let conn: ChannelModel;
  try {
    conn = await amqp.connect(url, { clientProperties: { connection_name: 'oms dlq' } });
  } catch (e) {
    err.write(`oms: cannot connect to ${redact(url)}: ${(e as Error).message}\n`);
    return 1;
  }
  conn.on('error', () => undefined); // surfaced by the operation that fails
  try {
    return await work(conn, url);
  } catch (e) {
    err.write(`oms: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** A session about one queue: an unknown queue name is refused before connecting. */
async function sessionOn(queue: string, options: DlqOptions, work: (conn: ChannelModel, target: string, vhost: string) => Promise<number>): Promise<number> {
  let target: string;
  try {
    target = topologyQueue(queue);
  } catch (e) {
    (options.err ?? process.stderr).write(`oms: ${(e as Error).message}\n`);
    return 1;
  }
  return session(options, (conn, url) => work(conn, target, vhostOf(url)));
}

/** The topology queue a name stands for; `<queue>.dlq` is accepted too, as `list` prints it. */
export function topologyQueue(name: string): string {
  const queue = name.endsWith(DLQ_SUFFIX) ? name.slice(0, -DLQ_SUFFIX.length) : name;
  if (!QUEUES.some((q) => q.name === queue)) {
    throw new DlqError(`unknown queue "${name}": not in the topology (@oms/contracts QUEUES); one of: ${QUEUES.map((q) => q.name).join(', ')}`);
  }
  return queue;
}

/** Message count of a queue, or undefined when it does not exist. checkQueue never creates one. */
async function messageCount(conn: ChannelModel, queue: string): Promise<number | undefined> {
  // A missing queue closes the channel (404): one short-lived channel per check.
  const ch = await openChannel(conn);
  try {
    return (await ch.checkQueue(queue)).messageCount;
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  } finally {
    await ch.close().catch(() => undefined);
  }
}

async function requireQueue(conn: ChannelModel, queue: string, vhost: string): Promise<number> {
  const count = await messageCount(conn, queue);
  if (count === undefined)
    throw new DlqError(`queue ${queue} does not exist on vhost ${vhost} (nothing was created): is the vhost in AMQP_URL / --amqp-url right?`);
  return count;
}

async function openChannel(conn: ChannelModel): Promise<Channel> {
  const ch = await conn.createChannel();
  ch.on('error', () => undefined); // the failing call rejects with the reason
  return ch;
}

export function readDeadLetter(msg: GetMessage): DeadLetter {
  const props = msg.properties;
  const headers = (props.headers ?? {}) as Record<string, unknown>;
  const text = msg.content.toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (it is dead-lettered for that): shown as text
  }
  // The consumer copies id, type and correlation id into the properties; an invalid message may lack them.
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : String(v));
  const num = (v: unknown) => (v === undefined || v === null || Number.isNaN(Number(v)) ? undefined : Number(v));
  const death = brokerDeath(headers);
  return {
    messageId: str(props.messageId) ?? str(envelope.id),
    type: str(props.type) ?? str(envelope.type),
    correlationId: str(props.correlationId) ?? str(envelope.correlationId),
    reason: str(headers[ERROR_HEADER]) ?? death?.reason,
    attempt: num(headers[ATTEMPT_HEADER]),
    deadLetteredAt: str(headers[FAILED_AT_HEADER]) ?? death?.at,
    replays: num(headers[REPLAYS_HEADER]),
    body,
  };
}

/**
 * Why and when the broker itself dead-lettered a message (`x-death`, latest first): a work queue moves a
 * message past its delivery limit (a consumer died holding it, again and again) to the DLQ without our
 * x-oms headers. Retried messages carry x-death entries of the delay queues too: x-oms-error wins there.
 */
function brokerDeath(headers: Record<string, unknown>): { reason: string; at?: string } | undefined {
  const deaths = headers['x-death'];
  if (!Array.isArray(deaths) || !deaths.length) return undefined;
  const latest = deaths[0] as { reason?: unknown; queue?: unknown; count?: unknown; time?: unknown };
  // amqplib decodes an AMQP timestamp (seconds) as { '!': 'timestamp', value }.
  const time = latest.time as { value?: unknown } | number | undefined;
  const seconds = typeof time === 'object' && time !== null ? Number(time.value) : Number(time);
  return {
    reason: `dead-lettered by the broker: ${String(latest.reason)} in ${String(latest.queue)}${Number(latest.count) > 1 ? ` (${Number(latest.count)} times)` : ''}`,
    at: Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : undefined,
  };
}

/**
 * The properties of a replayed copy: the original ones, with the attempt count back at 1 and the failure
 * counts removed (otherwise the message would get a single try before the DLQ again), the dead-letter
 * reason and time removed (a new failure writes new ones) and the replay recorded (`x-oms-replays`, which
 * makes the consumer treat it as repeated).
 */
export function replayProperties(msg: GetMessage, replayedAt: string): Options.Publish {
  const p = msg.properties;
  // x-delivery-count is the DLQ's own count of deliveries (quorum queues), not part of the message.
  const {
    [ERROR_HEADER]: _reason,
    [FAILED_AT_HEADER]: _failedAt,
    [ERRORS_HEADER]: _errors,
    [FIRST_TRANSIENT_HEADER]: _firstTransient,
    'x-delivery-count': _deliveries,
    ...headers
  } = (p.headers ?? {}) as Record<string, unknown>;
  return {
    persistent: true,
    // Unroutable would mean the queue vanished since we checked: the broker hands it back instead of dropping it.
    mandatory: true,
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    priority: p.priority,
    correlationId: p.correlationId,
    replyTo: p.replyTo,
    expiration: p.expiration,
    messageId: p.messageId,
    timestamp: p.timestamp,
    type: p.type,
    appId: p.appId,
    // userId is left out: the broker refuses a user-id other than the connected user's.
    headers: { ...headers, [ATTEMPT_HEADER]: 1, [REPLAYED_AT_HEADER]: replayedAt, [REPLAYS_HEADER]: (Number(headers[REPLAYS_HEADER]) || 0) + 1 },
  };
}

function label(letter: DeadLetter): string {
  return `${letter.messageId ?? '(no id)'} ${letter.type ?? '(no type)'}`;
}

/** The vhost an AMQP URL points at ("/" when the path is empty). */
function vhostOf(url: string): string {
  try {
    const path = new URL(url).pathname;
    return path && path !== '/' ? decodeURIComponent(path.slice(1)) : '/';
  } catch {
    return '?';
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
