/** What planning knows of one SKU, summed over its locations. */
export interface SkuPosition {
  sku: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  /** Units on open expected receipts. */
  incoming: number;
  /** Units that left with shipments (picks) over the sales window. */
  sold: number;
  /** Supplier lead time (0 when not set). */
  leadTimeDays: number;
}

export interface PlanningWindow {
  /** The sales window the velocity is measured over. */
  days: number;
  /** How often the buyer reorders: a suggestion covers lead time plus this. */
  reviewDays: number;
}

export interface ReplenishmentLine {
  sku: string;
  velocityPerDay: number;
  onHand: number;
  reserved: number;
  incoming: number;
  safetyStock: number;
  leadTimeDays: number;
  /** Demand expected until a reorder placed now (and the next one) arrives, plus safety stock. */
  target: number;
  /** On hand − reserved + incoming. */
  position: number;
  suggestedQuantity: number;
}

export interface ForecastLine {
  sku: string;
  velocityPerDay: number;
  /** On hand − reserved: what is left to sell. */
  available: number;
  /** null when nothing sold in the window (no run-out in sight). */
  daysOfCover: number | null;
  runsOutOn: string | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Order-up-to replenishment: cover the sales velocity over lead time plus the review period, plus safety
 * stock, less what is on hand (and not promised) or already on its way.
 */
export function replenishment(p: SkuPosition, window: PlanningWindow): ReplenishmentLine {
  const velocity = p.sold / window.days;
  const target = Math.ceil(velocity * (p.leadTimeDays + window.reviewDays)) + p.safetyStock;
  const position = p.onHand - p.reserved + p.incoming;
  return {
    sku: p.sku,
    velocityPerDay: round2(velocity),
    onHand: p.onHand,
    reserved: p.reserved,
    incoming: p.incoming,
    safetyStock: p.safetyStock,
    leadTimeDays: p.leadTimeDays,
    target,
    position,
    suggestedQuantity: Math.max(0, target - position),
  };
}

/** Days of cover at the current sales velocity, and the day the SKU runs out (UTC dates). */
export function forecast(p: SkuPosition, window: PlanningWindow, today: Date): ForecastLine {
  const velocity = p.sold / window.days;
  const available = p.onHand - p.reserved;
  if (velocity === 0) return { sku: p.sku, velocityPerDay: 0, available, daysOfCover: null, runsOutOn: null };
  const daysOfCover = Math.max(0, Math.floor(available / velocity));
  const runsOut = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + daysOfCover));
  return { sku: p.sku, velocityPerDay: round2(velocity), available, daysOfCover, runsOutOn: runsOut.toISOString().slice(0, 10) };
}
