import type { OrderImportSummary } from '@oms/contracts';
import { uploadCsv, type ImportOptions } from './csv-upload';

export { resolveKey, type ImportOptions } from './csv-upload';

/** `oms import orders`: prints the summary; exit code 0 all imported, 2 some orders rejected, 1 the import failed. */
export async function importOrders(file: string, options: ImportOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const path = `/v1/orders/import${options.channel ? `?channel=${encodeURIComponent(options.channel)}` : ''}`;
  const uploaded = await uploadCsv(file, path, options);
  if (typeof uploaded === 'number') return uploaded;
  const summary = uploaded.summary as OrderImportSummary;
  out.write(`lines ${summary.lines}, orders ${summary.received}: created ${summary.created}, duplicates ${summary.duplicates}, rejected ${summary.rejected}\n`);
  for (const row of summary.rows) out.write(`  line ${row.line}${row.externalId ? ` (${row.externalId})` : ''}: ${row.reason}\n`);
  if (summary.rejectedRowsTruncated) out.write('  ... more rejected rows not listed\n');
  return summary.rejected > 0 ? 2 : 0;
}
