import type { Model } from 'mongoose';
import { dayOf, daysToWalk, nextTimeCursor, walkDays, type DayIndex, type TimeCursor } from '@oms/mongo';
import { carrierDayKind, carrierStatusOf, type ShipmentDoc } from './shipment-model';

/** The store's bookkeeping, which no reader needs. */
const HIDDEN = { outbox: 0, processed: 0, sent: 0 } as const;

export interface CarrierShipmentsQuery {
  carrierId: string;
  status?: string;
  /** Changed at or after this time. */
  updatedSince?: Date;
  after?: TimeCursor;
  limit: number;
}

export interface ShipmentPage {
  items: ShipmentDoc[];
  nextCursor: string | null;
}

const keyOf = (s: ShipmentDoc): TimeCursor => ({ at: new Date(s.updatedAt ?? s.createdAt).toISOString(), id: s._id });
const compare = (a: TimeCursor, b: TimeCursor) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The reads of shipments; every change goes through the shipments' AggregateStore. */
/** Statuses of a parcel still on its way: polled for scans. */
export const IN_FLIGHT_STATUSES = ['booked', 'in_transit', 'out_for_delivery', 'delivery_failed', 'exception'] as const;

export class ShipmentRepository {
  constructor(
    readonly model: Model<ShipmentDoc>,
    readonly days: DayIndex,
  ) {}

  /** An order's shipments, in the order they were booked. */
  ofOrder(orderId: string): Promise<ShipmentDoc[]> {
    return this.model.find({ orderId }, HIDDEN).sort({ createdAt: 1 }).lean<ShipmentDoc[]>().exec();
  }

  /** Before a shipment of `carrierId` is stored with a change at `at`: its day is noted, or the list would never read it. */
  noteChange(carrierId: string, at: Date): Promise<void> {
    return this.days.note(carrierDayKind(carrierId), dayOf(at));
  }

  /**
   * One page of a carrier's shipments by time of their last change, oldest first (a partner's sync: what
   * changed since it last looked). Read day by day over the carrier's noted days, each day one equality query
   * on indexed fields (`carrierId` or `carrierStatus`, and `updatedDay`); sorting and the cursor are applied
   * here to that day's few documents. A shipment that changes while a client pages moves to a later page.
   */
  async ofCarrier(query: CarrierShipmentsQuery): Promise<ShipmentPage> {
    const from = query.updatedSince?.toISOString();
    const days = daysToWalk(await this.days.days(carrierDayKind(query.carrierId)), { from, after: query.after, sort: 'asc' });
    const byCarrier = query.status ? { carrierStatus: carrierStatusOf(query.carrierId, query.status) } : { carrierId: query.carrierId };
    const walk = await walkDays(days, query.limit, async (day, want) => {
      const docs = await this.model
        .find({ ...byCarrier, updatedDay: day }, HIDDEN)
        .lean<ShipmentDoc[]>()
        .exec();
      return docs
        .filter((d) => (!from || keyOf(d).at >= from) && (!query.after || compare(keyOf(d), query.after) > 0))
        .sort((a, b) => compare(keyOf(a), keyOf(b)))
        .slice(0, want);
    });
    return { items: walk.items, nextCursor: nextTimeCursor(walk, 'asc', keyOf) };
  }

  /**
   * Drop an index the schema no longer has (createIndexes only adds): the unique fulfillment id of one
   * shipment per fulfillment would refuse a second parcel. Nothing to do when it is not there.
   */
  async dropIndex(name: string): Promise<void> {
    const indexes = await this.model.collection.indexes().catch(() => []);
    if (indexes.some((i) => i.name === name)) await this.model.collection.dropIndex(name);
  }

  /**
   * A carrier's parcels still on their way: one equality query per status on `carrierStatus` (what is on its
   * way is in flight, not history). Shipments the partner-list backfill has not reached are not found.
   */
  async inFlight(carrierId: string): Promise<Array<Pick<ShipmentDoc, '_id' | 'trackingNumber' | 'carrierShipmentId'>>> {
    const found = await Promise.all(
      IN_FLIGHT_STATUSES.map((status) =>
        this.model
          .find({ carrierStatus: carrierStatusOf(carrierId, status) }, { trackingNumber: 1, carrierShipmentId: 1 })
          .lean<Array<Pick<ShipmentDoc, '_id' | 'trackingNumber' | 'carrierShipmentId'>>>()
          .exec(),
      ),
    );
    return found.flat();
  }

  byId(id: string): Promise<ShipmentDoc | null> {
    return this.model.findById(id, HIDDEN).lean<ShipmentDoc>().exec();
  }

  /** The shipment a carrier's tracking number belongs to, with its order (neither ever changes). */
  byTrackingNumber(carrierId: string, trackingNumber: string): Promise<Pick<ShipmentDoc, '_id' | 'orderId'> | null> {
    return this.model.findOne({ carrierId, trackingNumber }, { orderId: 1 }).lean<Pick<ShipmentDoc, '_id' | 'orderId'>>().exec();
  }
}
