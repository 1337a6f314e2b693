import { z } from 'zod';
import { sku as skuSchema, skuAttributesSchema, type SkuAttributes } from '@oms/contracts';
import { headerProblems, parseCsvRow } from '../import-report';

/**
 * The SKU attributes file (docs/carriers.md): `sku` and any of `weightGrams,lengthCm,widthCm,heightCm,hazmat,shipsAlone`.
 * A row replaces the SKU's attributes whole: a column left empty is unset (hazmat and shipsAlone: false).
 */
export type SkuAttributesRow = SkuAttributes & { sku: string };

/** Rows set per command: one command is one bulk write in the carrier service. */
export const SKU_ATTRIBUTES_BATCH_ROWS = 500;
const REQUIRED = ['sku'];
const OPTIONAL = ['weightGrams', 'lengthCm', 'widthCm', 'heightCm', 'hazmat', 'shipsAlone'];

const yesNo = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', 'yes', 'no', '1', '0'], { message: 'must be true or false (yes/no, 1/0)' }))
  .transform((v) => v === 'true' || v === 'yes' || v === '1');
const number = z.coerce.number();

const row = z
  .object({
    sku: skuSchema,
    weightGrams: number.pipe(skuAttributesSchema.shape.weightGrams.unwrap()).optional(),
    lengthCm: number.optional(),
    widthCm: number.optional(),
    heightCm: number.optional(),
    hazmat: yesNo.optional(),
    shipsAlone: yesNo.optional(),
  })
  .transform(({ lengthCm, widthCm, heightCm, ...rest }, ctx) => {
    const given = [lengthCm, widthCm, heightCm].filter((d) => d !== undefined).length;
    if (given !== 0 && given !== 3) {
      ctx.addIssue({ code: 'custom', path: ['lengthCm'], message: 'give lengthCm, widthCm and heightCm together, or none' });
      return z.NEVER;
    }
    return { ...rest, ...(given === 3 ? { dimensions: { lengthCm: lengthCm!, widthCm: widthCm!, heightCm: heightCm! } } : {}) };
  })
  .pipe(z.object({ sku: skuSchema, ...skuAttributesSchema.shape }));

/** Missing required columns and unknown ones. */
export const skuAttributesHeaderProblems = headerProblems(REQUIRED, OPTIONAL);

/** The attributes of one row; empty cells count as absent. Or why the row cannot be set, field by field. */
export function skuAttributesOfRow(record: Record<string, string | undefined>): { item: SkuAttributesRow; reason?: undefined } | { reason: string } {
  const parsed = parseCsvRow(row, record);
  return parsed.reason === undefined ? { item: parsed.value } : parsed;
}
