import { z } from 'zod';
import { commands, type MessageData } from '@oms/contracts';
import type { FieldError } from '@oms/errors';
import { headerProblems, parseCsvRow } from '../import-report';

/**
 * The stock file (docs/inventory.md): one row per SKU and location, `sku,locationId,quantity` and optionally
 * `type,reference,reason`. Rows are booked as ledger movements.
 */
export type Movement = MessageData<'stock.record-movements.v1'>['movements'][number];

/** Rows booked per command: one command is one ledger batch in the inventory service. */
export const STOCK_BATCH_ROWS = 500;
const REQUIRED = ['sku', 'locationId', 'quantity'];
const OPTIONAL = ['type', 'reference', 'reason'];
/** What a stock file may book; the default, a count, sets on hand to the quantity, so a re-upload changes nothing. */
const IMPORT_TYPES = ['count', 'receipt', 'adjustment', 'write_off'] as const;

const movement = commands['stock.record-movements.v1'].shape.movements.element;
const row = z.object({
  sku: movement.shape.sku,
  locationId: movement.shape.locationId,
  quantity: z.coerce.number().pipe(movement.shape.quantity),
  type: z.enum(IMPORT_TYPES).default('count'),
  reference: movement.shape.reference,
  reason: movement.shape.reason,
});

/** Missing required columns and unknown ones. */
export const stockHeaderProblems = headerProblems(REQUIRED, OPTIONAL);

/** The movement of one row; empty cells count as absent. Or why the row cannot be booked, field by field. */
export function movementOfRow(record: Record<string, string | undefined>): { movement: Movement; reason?: undefined } | { reason: string } {
  const parsed = parseCsvRow(row, record);
  return parsed.reason === undefined ? { movement: parsed.value } : parsed;
}

/**
 * The rows an inventory refusal names (`movements.<index>.<field>`), with the reason of each; undefined
 * when it names none, or anything else: then the refusal is about the whole batch.
 */
export function refusedRows(errors: FieldError[]): Map<number, string> | undefined {
  const byIndex = new Map<number, string>();
  for (const e of errors) {
    const match = /^movements\.(\d+)\.(.+)$/.exec(e.path);
    if (!match) return undefined;
    byIndex.set(Number(match[1]), `${match[2]}: ${e.message}`);
  }
  return byIndex.size > 0 ? byIndex : undefined;
}
