import { randomUUID } from 'node:crypto';
import { AppError } from '@oms/errors';
import type { Logger } from '@oms/logging';
import type { Redis } from '@oms/redis';
import { counterOf, countersFromLedger, type Counter, type Counters, type LowStock } from '../domain/ledger';
import type { AllocatedLine } from '../domain/sourcing';
import { EPOCH_STATE, EXTEND, FINISH, MOVE, RESERVE, SEAL_EPOCH, SERVER_ID, SET_LEVELS, SHORT_PICK } from './counter-scripts';
import type { Models } from './models';

const EPOCH = 'inv:epoch';
const REBUILD = 'inv:rebuild';
const NEWEST = 'inv:newest';
/** How often a process reads the newest reservation any process took (its second witness). */
const NEWEST_POLL_MS = 250;
const skuKey = (sku: string) => `inv:sku:${sku}`;
const reservationKey = (id: string) => `inv:res:${id}`;
const batchKey = (id: string) => `inv:mv:${id}`;
/**
 * A finished reservation's marker only makes a redelivered release or consume of it a no-op until that
 * delivery's document update is written: within the lease normally, within the consumer's retry window
 * (15 minutes) when the store is down. Later, the store's document is the record: a command that still finds
 * it active and no marker has the counters rebuilt (finish-in-redis.ts), which is correct, only slower.
 * Markers of active reservations have no TTL: they are the reservation's lines in Redis.
 */
export const FINISHED_MARKER_TTL_S = 3600;
/** A movement batch's marker: the documents are only written after it, and no rebuild stands in for it. */
const BATCH_MARKER_TTL_S = 30 * 24 * 3600;
/** A witness older than this may have expired after its reservation was finished: not used. */
const WITNESS_MAX_AGE_MS = (FINISHED_MARKER_TTL_S * 1000) / 2;

/** The counters were lost and are being rebuilt; the work is retried (a 503: transient) once they are whole again. */
export class CountersUnavailableError extends AppError {
  constructor(detail: string) {
    super(503, 'Stock counters unavailable', detail);
    this.name = 'CountersUnavailableError';
  }
}

/** A step took longer than a rebuild waits for: its Redis change may not be in the rebuilt counters. */
export class LeaseExpiredError extends Error {
  override name = 'LeaseExpiredError';
}

export type ReserveOutcome = { status: 'ok' | 'applied'; lines: AllocatedLine[]; low: LowStock[] } | { status: 'conflict' };
export type FinishOutcome = { status: 'ok' | 'done'; state: string } | { status: 'unknown' };
export type MoveOutcome =
  // low: fell to the reorder point; replenished: rose above it again (both with available after and the reorder point).
  | { status: 'ok' | 'applied'; booked: number[]; low: LowStock[]; replenished: LowStock[] }
  | { status: 'refused'; index: number; onHand: number; after: number; reserved: number };

export interface MovementChange {
  sku: string;
  locationId: string;
  /** 'add' books the value; 'set' (a count) books the difference to it. */
  kind: 'add' | 'set';
  value: number;
}

export interface CounterAudit {
  consistent: boolean;
  skus: number;
  differences: Array<{ sku: string; locationId: string; expected: Counter; actual: Counter }>;
  overReserved: Array<{ sku: string; locationId: string; onHand: number; reserved: number }>;
}

interface ReservationMarker {
  s: string;
  l: Array<[string, number, string]>;
}

/** A reservation whose marker must exist while the epoch it was taken under holds (RESERVE's WITNESS_CHECK). */
interface Witness {
  reservationId: string;
  epoch: string;
  /** When it was taken (ms): a witness is used for WITNESS_MAX_AGE_MS only. */
  at: number;
}

/** Whether the counters are whole, as the scripts see it (EPOCH_CHECK). */
type EpochState = { ok: true; epoch: string } | { ok: false; why: 'noepoch' | 'otherserver' };

/** Why a script refused to run, and what the rebuild says about it. */
const NOT_WHOLE: Record<string, string> = {
  noepoch: 'the counters are missing (Redis lost its data or was never filled)',
  otherserver: 'Redis is not the server the counters were rebuilt on (it restarted or failed over): they may be an older snapshot',
  diverged: 'the marker of a recent reservation is missing: Redis went back in time or lost keys',
};

/**
 * Stock counters in Redis over the MongoDB ledger. Redis decides, atomically, whether stock can be taken;
 * MongoDB keeps what was decided, and the counters can always be rebuilt from it.
 *
 * Every change runs Redis first (a script, made idempotent by a marker) and then writes its documents.
 * A crash in between is finished by the redelivered message, which finds the marker. If Redis loses its
 * data, the first caller to notice rebuilds the counters from the documents: it removes the epoch key
 * (stopping every script), waits one lease so that any change already made in Redis has written its
 * documents or given up (`assertFresh`), then recomputes the counters from the documents and restores the
 * epoch. So the rebuilt counters are exactly what the documents say, and a change whose documents were not
 * written in time is redone from the start by its redelivered message.
 */
export class StockCounters {
  private readonly sha = new Map<string, string>();
  /** The newest reservation this process took, and the newest any process took (read every NEWEST_POLL_MS). */
  private readonly witnesses: { own?: Witness; global?: Witness } = {};
  private newestTimer?: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly models: Models,
    private readonly logger: Logger,
    readonly leaseMs: number,
  ) {}

  /** Throws LeaseExpiredError when a change made in Redis at `startedAt` may no longer write its documents. */
  assertFresh(startedAt: number): void {
    if (Date.now() - startedAt > this.leaseMs * 0.8)
      throw new LeaseExpiredError(`a stock change took over ${Math.round(this.leaseMs * 0.8)} ms between Redis and the store`);
  }

  /** Counters for these SKUs as they are now (an advisory snapshot: the scripts check again). */
  async snapshot(skus: string[]): Promise<Counters> {
    for (;;) {
      const pipeline = this.redis.pipeline().exists(EPOCH);
      for (const sku of skus) pipeline.hgetall(skuKey(sku));
      const results = (await pipeline.exec()) ?? [];
      for (const [err] of results) if (err) throw err;
      if (results[0]?.[1] !== 1) {
        await this.ready();
        continue;
      }
      const counters: Counters = new Map();
      skus.forEach((sku, i) => {
        for (const [field, value] of Object.entries((results[i + 1]?.[1] as Record<string, string>) ?? {})) {
          const [kind, locationId] = splitField(field);
          const counter = counterOf(counters, sku, locationId);
          if (kind === 'on') counter.onHand = Number(value);
          else if (kind === 'res') counter.reserved = Number(value);
          else if (kind === 'safe') counter.safetyStock = Number(value);
          else if (kind === 'rop') counter.reorderPoint = Number(value);
        }
      });
      return counters;
    }
  }

  /** Take these exact lines for the reservation, or nothing (conflict) if any of them is no longer free. */
  async reserve(reservationId: string, lines: AllocatedLine[]): Promise<ReserveOutcome> {
    const marker: ReservationMarker = { s: 'active', l: lines.map((l) => [l.locationId, l.quantity, l.sku]) };
    const args = lines.flatMap((l) => [l.locationId, String(l.quantity)]);
    const [status, raw, epoch, ...crossings] = await this.run(
      RESERVE,
      [reservationKey(reservationId), ...lines.map((l) => skuKey(l.sku))],
      [JSON.stringify(marker), reservationId, String(Date.now()), ...args],
      () => {
        const [own, global] = [this.usable(this.witnesses.own), this.usable(this.witnesses.global)];
        return {
          keys: [NEWEST, own ? reservationKey(own.reservationId) : EPOCH, global ? reservationKey(global.reservationId) : EPOCH],
          args: [own?.epoch ?? '', global?.epoch ?? ''],
        };
      },
    );
    if (status === 'conflict') return { status };
    this.witnesses.own = { reservationId, epoch: epoch!, at: Date.now() };
    const stored = JSON.parse(raw!) as ReservationMarker;
    return {
      status: status as 'ok' | 'applied',
      lines: stored.l.map(([locationId, quantity, sku]) => ({ sku, locationId, quantity })),
      low: lowStock(crossings, (i) => lines[i]!),
    };
  }

  /** The lines Redis holds for an active reservation (taken by an earlier delivery that did not finish). */
  async held(reservationId: string): Promise<AllocatedLine[] | undefined> {
    const raw = await this.redis.get(reservationKey(reservationId));
    if (!raw) return undefined;
    const marker = JSON.parse(raw) as ReservationMarker;
    return marker.s === 'active' ? marker.l.map(([locationId, quantity, sku]) => ({ sku, locationId, quantity })) : undefined;
  }

  /** Give back (released) or take out of on hand (consumed) what an active reservation holds. */
  async finish(reservationId: string, lines: AllocatedLine[], state: 'released' | 'consumed'): Promise<FinishOutcome> {
    const [status, value] = await this.run(FINISH, [reservationKey(reservationId), ...lines.map((l) => skuKey(l.sku))], [state, String(FINISHED_MARKER_TTL_S)]);
    if (status === 'unknown') return { status };
    return { status: status as 'ok' | 'done', state: value! };
  }

  /**
   * Units of an active reservation missing on the shelf leave reserved and on hand, once per operation.
   * Answers the reservation's lines after it (in the same places; a line may be 0) and the units taken
   * off per requested line ('done': an earlier delivery did it; its figures are in the ledger entries).
   */
  async shortPick(
    reservationId: string,
    operationId: string,
    missing: Array<{ sku: string; locationId: string; missing: number }>,
  ): Promise<{ status: 'ok' | 'done'; lines: AllocatedLine[]; taken: number[] } | { status: 'unknown' | 'inactive' }> {
    const args = missing.flatMap((m) => [m.locationId, m.sku, String(m.missing)]);
    const [status, raw, ...taken] = await this.run(SHORT_PICK, [reservationKey(reservationId), ...missing.map((m) => skuKey(m.sku))], [operationId, ...args]);
    if (status === 'unknown' || status === 'inactive') return { status };
    return { status: status as 'ok' | 'done', lines: markerLines(raw!), taken: taken.map(Number) };
  }

  /** Add lines to an active reservation, all or none (conflict), once per operation. Answers all its lines. */
  async extend(
    reservationId: string,
    operationId: string,
    lines: AllocatedLine[],
  ): Promise<{ status: 'ok' | 'done'; lines: AllocatedLine[] } | { status: 'conflict' | 'unknown' | 'inactive' }> {
    const args = lines.flatMap((l) => [l.locationId, String(l.quantity), l.sku]);
    const [status, raw] = await this.run(EXTEND, [reservationKey(reservationId), ...lines.map((l) => skuKey(l.sku))], [operationId, ...args]);
    if (status === 'conflict' || status === 'unknown' || status === 'inactive') return { status };
    return { status: status as 'ok' | 'done', lines: markerLines(raw!) };
  }

  /** Book a batch of movements on hand, once per batch id. */
  async move(batchId: string, changes: MovementChange[]): Promise<MoveOutcome> {
    const args = changes.flatMap((c) => [c.locationId, c.kind, String(c.value)]);
    const result = await this.run(MOVE, [batchKey(batchId), ...changes.map((c) => skuKey(c.sku))], [String(BATCH_MARKER_TTL_S), ...args]);
    if (result[0] === 'refused') {
      const [, index, onHand, after, reserved] = result.map(Number);
      return { status: 'refused', index: index! - 1, onHand: onHand!, after: after!, reserved: reserved! };
    }
    const crossings = reorderPointCrossings(result.slice(2), (i) => changes[i]!);
    return {
      status: result[0] as 'ok' | 'applied',
      booked: JSON.parse(result[1]!) as number[],
      low: crossings.filter((c) => c.crossed === 'low').map(({ crossed: _, ...level }) => level),
      replenished: crossings.filter((c) => c.crossed === 'up').map(({ crossed: _, ...level }) => level),
    };
  }

  /** Safety stock and reorder point of a SKU at a location (after they are stored). */
  async setLevels(sku: string, locationId: string, safetyStock: number, reorderPoint: number): Promise<void> {
    await this.run(SET_LEVELS, [skuKey(sku)], [locationId, String(safetyStock), String(reorderPoint)]);
  }

  /**
   * Read the newest reservation any process took, now and every NEWEST_POLL_MS, as a second witness: a
   * rollback in place that lost other processes' reservations, none of this one's, is then noticed too.
   */
  watchNewest(): void {
    const read = async () => {
      const raw = await this.redis.get(NEWEST).catch(() => null);
      if (!raw) return;
      const { e, r, t } = JSON.parse(raw) as { e: string; r: string; t: number };
      if (!this.witnesses.global || t > this.witnesses.global.at) this.witnesses.global = { reservationId: r, epoch: e, at: t };
    };
    void read();
    this.newestTimer = setInterval(() => void read(), NEWEST_POLL_MS);
    this.newestTimer.unref();
  }

  stop(): void {
    clearInterval(this.newestTimer);
  }

  /** The reservations RESERVE checks first, for logs and tests. */
  witnessed(): { own?: string; global?: string } {
    return { own: this.usable(this.witnesses.own)?.reservationId, global: this.usable(this.witnesses.global)?.reservationId };
  }

  /** Resolves once the counters are whole: at once normally, after a rebuild when Redis lost them or is another server. */
  async ready(): Promise<void> {
    const state = await this.epochState();
    if (!state.ok) await this.rebuild(NOT_WHOLE[state.why]!);
  }

  /** Whether the counters are whole on the server that answers (the same check as every script's). */
  async epochState(): Promise<EpochState> {
    const [status, value] = (await this.evalScript(EPOCH_STATE, [EPOCH], [])) as string[];
    return status === 'ok' ? { ok: true, epoch: value! } : { ok: false, why: status as 'noepoch' | 'otherserver' };
  }

  /**
   * Recompute every counter from the documents. Only one caller rebuilds at a time; the others wait for
   * its epoch. Safe to call at any time (ops can force it); scripts are refused while it runs.
   * `seenEpoch`: the epoch under which the caller saw the counters diverge (null: it saw none that holds);
   * when the epoch is whole and another by the time the caller gets here, someone else rebuilt since, and
   * that rebuild read the documents after the divergence: nothing more to do.
   */
  async rebuild(reason: string, seenEpoch?: string | null): Promise<void> {
    const rebuiltSince = async () => {
      const state = await this.epochState();
      return state.ok && (seenEpoch === undefined || state.epoch !== seenEpoch);
    };
    if (seenEpoch !== undefined && (await rebuiltSince())) return;
    const token = randomUUID();
    const deadline = Date.now() + this.leaseMs * 4 + 120_000;
    while (Date.now() < deadline) {
      if ((await this.redis.set(REBUILD, token, 'PX', this.leaseMs * 4 + 120_000, 'NX')) === 'OK') {
        if (await this.rebuildHoldingLock(token, reason)) return;
        continue;
      }
      await sleep(100);
      if (await rebuiltSince()) return;
    }
    throw new CountersUnavailableError('the stock counters are being rebuilt; try again shortly');
  }

  private async rebuildHoldingLock(token: string, reason: string): Promise<boolean> {
    const started = Date.now();
    this.logger.warn({ reason }, 'rebuilding stock counters from the ledger');
    await this.redis.del(EPOCH);
    // The server the counters will be written to: the epoch is sealed only if it still is at the end.
    const server = (await this.evalScript(SERVER_ID, [], [])) as string;
    await sleep(this.leaseMs);
    const { movements, reservations, counters } = await this.fromDocuments();

    // A connection of its own: WATCH belongs to a connection, and other handlers share the main one.
    const conn = this.redis.duplicate();
    try {
      const prefix = (this.redis.options.keyPrefix as string | undefined) ?? '';
      // Batch markers go too: a batch whose documents are not written is not in the rebuilt counters, so
      // its redelivery must book it again rather than find it 'applied'.
      const stale = await scanKeys(conn, prefix, ['inv:sku:*', 'inv:res:*', 'inv:mv:*']);
      await conn.watch(REBUILD);
      if ((await conn.get(REBUILD)) !== token) {
        await conn.unwatch();
        return false; // Redis lost our lock meanwhile (flushed again): start over
      }
      const tx = conn.multi();
      for (let i = 0; i < stale.length; i += 500) tx.del(...stale.slice(i, i + 500));
      for (const [sku, perLocation] of counters) {
        const fields: string[] = [];
        for (const [locationId, c] of perLocation) {
          fields.push(`on:${locationId}`, String(c.onHand), `res:${locationId}`, String(c.reserved), `safe:${locationId}`, String(c.safetyStock));
          if (c.reorderPoint !== undefined) fields.push(`rop:${locationId}`, String(c.reorderPoint));
        }
        tx.hset(skuKey(sku), ...fields);
      }
      for (const r of reservations) {
        if (r.status !== 'active') continue;
        const marker: ReservationMarker = { s: 'active', l: r.lines.map((l) => [l.locationId, l.quantity, l.sku]) };
        tx.set(reservationKey(r._id), JSON.stringify(marker));
      }
      tx.eval(SEAL_EPOCH, 1, EPOCH, server, token);
      tx.del(REBUILD);
      const committed = await tx.exec();
      if (committed === null) return false;
      if (committed[committed.length - 2]?.[1] !== 1) {
        this.logger.warn({ server }, 'Redis changed servers during the rebuild: starting over');
        return false;
      }
      this.logger.warn(
        { skus: counters.size, movements: movements.length, reservations: reservations.length, ms: Date.now() - started },
        'stock counters rebuilt',
      );
      return true;
    } finally {
      conn.disconnect();
    }
  }

  /**
   * Compare the counters with what the documents say (meaningful when no change is under way): every
   * difference, and every place where reserved exceeds on hand.
   */
  async audit(): Promise<CounterAudit> {
    await this.ready();
    const expected = await this.fromDocuments();
    const skus = new Set([...expected.counters.keys(), ...(await this.knownSkus())]);
    const actual = await this.snapshot([...skus]);
    const differences: CounterAudit['differences'] = [];
    const overReserved: CounterAudit['overReserved'] = [];
    for (const sku of skus) {
      const locations = new Set([...(expected.counters.get(sku)?.keys() ?? []), ...(actual.get(sku)?.keys() ?? [])]);
      for (const locationId of locations) {
        const want = expected.counters.get(sku)?.get(locationId) ?? { onHand: 0, reserved: 0, safetyStock: 0 };
        const have = actual.get(sku)?.get(locationId) ?? { onHand: 0, reserved: 0, safetyStock: 0 };
        if (want.onHand !== have.onHand || want.reserved !== have.reserved) differences.push({ sku, locationId, expected: want, actual: have });
        if (have.onHand - have.reserved < 0) overReserved.push({ sku, locationId, onHand: have.onHand, reserved: have.reserved });
      }
    }
    return { consistent: differences.length === 0 && overReserved.length === 0, skus: skus.size, differences, overReserved };
  }

  /** Every SKU that has counters. */
  async knownSkus(): Promise<string[]> {
    await this.ready();
    const prefix = (this.redis.options.keyPrefix as string | undefined) ?? '';
    return (await scanKeys(this.redis, prefix, ['inv:sku:*'])).map((key) => key.slice('inv:sku:'.length));
  }

  private async fromDocuments() {
    const [movements, reservations, settings] = await Promise.all([
      this.models.Movements.find({}, { sku: 1, locationId: 1, quantity: 1, type: 1, reservationId: 1, operation: 1 }).lean(),
      this.models.Reservations.find({}, { status: 1, lines: 1, processed: 1 }).lean(),
      this.models.StockSettings.find({}, { sku: 1, locationId: 1, safetyStock: 1, reorderPoint: 1 }).lean(),
    ]);
    return { movements, reservations, counters: countersFromLedger(movements, reservations as never, settings) };
  }

  /**
   * Run a script by its hash (loading it once); when it finds the counters not whole (EPOCH_CHECK, or a
   * missing witness) they are rebuilt and it runs again. `first`: keys and arguments that go before the
   * others, decided anew for each run (RESERVE's witnesses).
   */
  private async run(script: string, keys: string[], args: string[], first?: () => { keys: string[]; args: string[] }): Promise<string[]> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = first?.() ?? { keys: [], args: [] };
      const result = (await this.evalScript(script, [EPOCH, ...before.keys, ...keys], [...before.args, ...args])) as string[];
      const why = result[0]!;
      if (!(why in NOT_WHOLE)) return result;
      // Witnesses stay: the rebuild's new epoch retires them, and dropping them now would let a concurrent
      // reservation through unchecked before the rebuild has stopped the scripts.
      this.logger.warn({ why }, 'stock counters are not whole: rebuilding before any change');
      // 'diverged' names the epoch it was seen under; the others saw none that holds.
      await this.rebuild(NOT_WHOLE[why]!, why === 'diverged' ? result[1]! : null);
    }
    throw new CountersUnavailableError('the stock counters are being rebuilt; try again shortly');
  }

  private usable(w: Witness | undefined): Witness | undefined {
    return w && Date.now() - w.at < WITNESS_MAX_AGE_MS ? w : undefined;
  }

  private async scriptSha(script: string): Promise<string> {
    let sha = this.sha.get(script);
    if (!sha) {
      sha = (await this.redis.script('LOAD', script)) as string;
      this.sha.set(script, sha);
    }
    return sha;
  }

  private async evalScript(script: string, keys: string[], args: string[]): Promise<unknown> {
    const sha = await this.scriptSha(script);
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
      this.sha.delete(script); // Redis was flushed or restarted: load it again
      return this.evalScript(script, keys.slice(), args);
    }
  }
}

const markerLines = (raw: string): AllocatedLine[] =>
  (JSON.parse(raw) as ReservationMarker).l.map(([locationId, quantity, sku]) => ({ sku, locationId, quantity }));

/** A script's reorder-point crossings: triples of (1-based line number, available after, reorder point). */
function lowStock(flat: string[], lineOf: (index: number) => { sku: string; locationId: string }): LowStock[] {
  const low: LowStock[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    const { sku, locationId } = lineOf(Number(flat[i]) - 1);
    low.push({ sku, locationId, available: Number(flat[i + 1]), reorderPoint: Number(flat[i + 2]) });
  }
  return low;
}

/** The move script's reorder-point crossings: quadruples of (1-based line number, available after, reorder point, 'low' | 'up'). */
function reorderPointCrossings(flat: string[], lineOf: (index: number) => { sku: string; locationId: string }): Array<LowStock & { crossed: 'low' | 'up' }> {
  const crossings: Array<LowStock & { crossed: 'low' | 'up' }> = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    const { sku, locationId } = lineOf(Number(flat[i]) - 1);
    crossings.push({ sku, locationId, available: Number(flat[i + 1]), reorderPoint: Number(flat[i + 2]), crossed: flat[i + 3] === 'up' ? 'up' : 'low' });
  }
  return crossings;
}

function splitField(field: string): [string, string] {
  const at = field.indexOf(':');
  return [field.slice(0, at), field.slice(at + 1)];
}

async function scanKeys(conn: Redis, prefix: string, patterns: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, found] = await conn.scan(cursor, 'MATCH', `${prefix}${pattern}`, 'COUNT', 1000);
      cursor = next;
      // SCAN answers full names; commands on this client add the prefix again.
      keys.push(...found.map((k) => k.slice(prefix.length)));
    } while (cursor !== '0');
  }
  return keys;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
