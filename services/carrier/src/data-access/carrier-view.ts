import type { CarrierDoc } from './carrier-model';

/** What configuring a carrier answers: never its secret. */
export const toCarrierView = (c: Pick<CarrierDoc, '_id' | 'updatedAt'>) => ({ id: c._id, configured: true, updatedAt: new Date(c.updatedAt).toISOString() });
