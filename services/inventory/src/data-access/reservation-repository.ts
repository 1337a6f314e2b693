import type { Model } from 'mongoose';
import type { OutboxEntry } from '@oms/outbox';
import type { AllocatedLine } from '../domain/sourcing';
import type { ReservationDoc } from './reservation-model';

/**
 * The reads of reservations, and the backorder pass's write (a change no message causes). Every other
 * change goes through the reservations' AggregateStore; new ones through the InsertBatcher.
 */
export class ReservationRepository {
  constructor(readonly model: Model<ReservationDoc>) {}

  /** The whole document, bookkeeping included (a repeated reserve sends its leftovers from it). */
  byId(orderId: string): Promise<ReservationDoc | null> {
    return this.model.findById(orderId).lean<ReservationDoc>().exec();
  }

  /** The oldest backorders (queued first, then by id), at most `limit`: what one pass looks at. */
  backorderQueue(limit: number): Promise<Array<Pick<ReservationDoc, '_id' | 'request' | 'queuedAt'>>> {
    return this.model
      .find({ status: 'backordered' }, { request: 1, queuedAt: 1 })
      .sort({ queuedAt: 1, _id: 1 })
      .limit(limit)
      .lean<Array<Pick<ReservationDoc, '_id' | 'request' | 'queuedAt'>>>()
      .exec();
  }

  /** The oldest supplements waited for after a short pick (queued first, then by id), at most `limit`. */
  supplementQueue(limit: number): Promise<Array<Pick<ReservationDoc, '_id' | 'waitingSupplement'>>> {
    return this.model
      .find({ supplementQueued: true }, { waitingSupplement: 1 })
      .sort({ 'waitingSupplement.queuedAt': 1, _id: 1 })
      .limit(limit)
      .lean<Array<Pick<ReservationDoc, '_id' | 'waitingSupplement'>>>()
      .exec();
  }

  /** A reservation's status and the supplement it waits for, if any. */
  supplementState(orderId: string): Promise<Pick<ReservationDoc, 'status' | 'lines' | 'waitingSupplement'> | null> {
    return this.model
      .findById(orderId, { status: 1, lines: 1, waitingSupplement: 1 })
      .lean<Pick<ReservationDoc, 'status' | 'lines' | 'waitingSupplement'>>()
      .exec();
  }

  /** A waited supplement served: the reservation's lines with it, out of the queue, its events in its outbox. */
  async addServedSupplement(orderId: string, lines: AllocatedLine[], pending: OutboxEntry[]): Promise<void> {
    await this.model.updateOne(
      { _id: orderId },
      { $set: { lines }, $unset: { waitingSupplement: 1, supplementQueued: 1 }, $push: { outbox: { $each: pending } } },
    );
  }

  /** A supplement whose reservation ended (released, consumed) before stock came: out of the queue. */
  async dropSupplement(orderId: string): Promise<void> {
    await this.model.updateOne({ _id: orderId }, { $unset: { waitingSupplement: 1, supplementQueued: 1 } });
  }

  /** Whether a reservation still waits as a backorder (its status), and what it asks for. */
  backorderState(orderId: string): Promise<Pick<ReservationDoc, 'status' | 'request'> | null> {
    return this.model.findById(orderId, { status: 1, request: 1 }).lean<Pick<ReservationDoc, 'status' | 'request'>>().exec();
  }

  /** A backorder served: active with its lines, its events queued in its outbox (flushed after, under its lock). */
  async activateBackorder(orderId: string, lines: AllocatedLine[], reason: string, pending: OutboxEntry[]): Promise<void> {
    await this.model.updateOne({ _id: orderId }, { $set: { status: 'active', lines, reason }, $push: { outbox: { $each: pending } } });
  }
}
