import type { SkuAttributesImportSummary } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { listRejectedRow } from '../domain/import-report';
import { SKU_ATTRIBUTES_BATCH_ROWS, skuAttributesHeaderProblems, skuAttributesOfRow, type SkuAttributesRow } from '../domain/inventory/sku-attributes-file';
import type { OpenCsv } from './csv-source';
import { seg, type QueryDeps } from './deps';
import { sendCommand, type CommandDeps } from './send-command';

export type { SkuAttributesImportSummary };

/**
 * A SKU attributes file streamed to the carrier service in batches, in bounded memory. Rows that do not
 * parse are listed with their reason; the others are set (a SKU twice in one file: its last row wins).
 */
export async function importSkuAttributesCsv(deps: CommandDeps, actor: string, open: OpenCsv): Promise<SkuAttributesImportSummary> {
  const summary: SkuAttributesImportSummary = { lines: 0, set: 0, rejected: 0, rows: [], rejectedRowsTruncated: false };
  const reject = (line: number, sku: string | undefined, reason: string) => {
    summary.rejected++;
    listRejectedRow(summary, { line, ...(sku ? { sku } : {}), reason });
  };
  const upload = open({
    headerProblems: skuAttributesHeaderProblems,
    onUnreadableRow: (line, reason) => {
      summary.lines++;
      reject(line, undefined, reason);
    },
    allowShortRows: true,
  });
  let batch = new Map<string, SkuAttributesRow>();
  const send = async () => {
    if (batch.size === 0) return;
    const outcome = await sendCommand(deps, 'sku.set-attributes.v1', { items: [...batch.values()], actor }, `sku-attributes-import:${actor}`);
    if (outcome.status !== 'done') throw new AppError(504, 'Gateway Timeout', 'The carrier service did not answer in time; rows before this batch were set');
    summary.set += batch.size;
    batch = new Map();
  };
  try {
    for await (const { record, info } of upload.records) {
      summary.lines++;
      const parsed = skuAttributesOfRow(record);
      if (parsed.reason !== undefined) {
        reject(info.lines, record.sku || undefined, parsed.reason);
        continue;
      }
      batch.set(parsed.item.sku, parsed.item);
      if (batch.size >= SKU_ATTRIBUTES_BATCH_ROWS) await send();
    }
    await send();
  } catch (err) {
    const refusal = upload.stop();
    if (refusal) throw refusal;
    if (err instanceof AppError) throw err;
    throw new AppError(400, 'Malformed CSV', (err as Error).message ?? 'The CSV could not be read');
  }
  summary.rows.sort((a, b) => a.line - b.line);
  return summary;
}

/** One SKU's attributes, as the carrier service keeps them. */
export const skuAttributesOf = (deps: QueryDeps, sku: string) => deps.upstreams.carrier.get(`/internal/skus/${seg(sku)}/attributes`);
