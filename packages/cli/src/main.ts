#!/usr/bin/env node
import { Command } from 'commander';
import { importOrders } from './import-orders';
import { importStock } from './import-stock';

/** `oms`: operator tasks against a running gateway. */
export function program(): Command {
  const oms = new Command('oms').description('Order management system command line').showHelpAfterError();
  const importCmd = oms.command('import').description('Import data into the OMS');
  importCmd
    .command('orders')
    .description('Stream a CSV file of orders to POST /v1/orders/import (format: docs/intake.md)')
    .argument('<file>', 'CSV file, one row per order line')
    .option('--url <url>', 'gateway URL (default: $OMS_URL or http://127.0.0.1:8080)')
    .option('--key <key>', 'API key (default: $OMS_KEY or the contents of .run/api-key)')
    .option('--channel <id>', 'channel of rows without a channel column value')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, opts: { url?: string; key?: string; channel?: string; progress: boolean }) => {
      process.exitCode = await importOrders(file, opts);
    });
  importCmd
    .command('stock')
    .description('Stream a CSV file of stock to POST /v1/inventory/import (columns sku,locationId,quantity[,type,reference,reason]; type defaults to count)')
    .argument('<file>', 'CSV file, one row per SKU and location')
    .option('--url <url>', 'gateway URL (default: $OMS_URL or http://127.0.0.1:8080)')
    .option('--key <key>', 'API key (default: $OMS_KEY or the contents of .run/api-key)')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, opts: { url?: string; key?: string; progress: boolean }) => {
      process.exitCode = await importStock(file, opts);
    });
  return oms;
}

export function run(argv: string[] = process.argv): void {
  program()
    .parseAsync(argv)
    .catch((err: Error) => {
      process.stderr.write(`oms: ${err.message}\n`);
      process.exitCode = 1;
    });
}

if (require.main === module) run();
