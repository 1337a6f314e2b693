import type { Connection } from 'mongoose';
import { incomingModel } from './incoming-model';
import { locationModel } from './location-model';
import { movementModel } from './movement-model';
import { reservationModel } from './reservation-model';
import { skuSettingModel } from './sku-setting-model';
import { stockAlertModel } from './stock-alert-model';
import { stockSettingModel } from './stock-setting-model';

/** Every model of the service, registered on its database. */
export function registerModels(db: Connection) {
  return {
    Locations: locationModel(db),
    Movements: movementModel(db),
    Reservations: reservationModel(db),
    StockSettings: stockSettingModel(db),
    SkuSettings: skuSettingModel(db),
    Incoming: incomingModel(db),
    StockAlerts: stockAlertModel(db),
  };
}

export type Models = ReturnType<typeof registerModels>;
