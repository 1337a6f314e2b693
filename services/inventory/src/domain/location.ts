import { Refusal } from '@oms/errors';

export type LocationType = 'warehouse' | 'store';

/** A store serves click & collect unless told otherwise; a warehouse does not. */
export const canPickupByDefault = (type: LocationType): boolean => type === 'store';

/** Stock, levels and receipts are always booked at a location that exists. */
export const unknownLocation = (locationId: string, path = 'locationId'): Refusal =>
  new Refusal('invalid', `location ${locationId} does not exist`, [{ path, message: `location ${locationId} does not exist` }]);
