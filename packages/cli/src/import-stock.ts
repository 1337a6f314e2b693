import type { StockImportSummary } from '@oms/contracts';
import { uploadCsv, type ImportOptions } from './csv-upload';

/** `oms import stock`: prints the summary; exit code 0 all booked, 2 some rows rejected, 1 the import failed. */
export async function importStock(file: string, options: ImportOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const uploaded = await uploadCsv(file, '/v1/inventory/import', options);
  if (typeof uploaded === 'number') return uploaded;
  const summary = uploaded.summary as StockImportSummary;
  out.write(`lines ${summary.lines}: booked ${summary.booked}, rejected ${summary.rejected}\n`);
  for (const row of summary.rows) out.write(`  line ${row.line}${row.sku ? ` (${row.sku})` : ''}: ${row.reason}\n`);
  if (summary.rejectedRowsTruncated) out.write('  ... more rejected rows not listed\n');
  return summary.rejected > 0 ? 2 : 0;
}
