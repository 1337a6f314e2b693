#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { listDlqs, purgeDlq, replayDlq, showDlq } from './dlq';
import { importOrders } from './import-orders';
import { importStock } from './import-stock';

/** `oms`: operator tasks against a running gateway or broker. */
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
  addDlqCommands(oms);
  return oms;
}

/** `oms dlq ...`: dead-letter queues, straight over AMQP (logic in ./dlq.ts; docs/messaging.md). */
function addDlqCommands(oms: Command): void {
  const dlq = oms.command('dlq').description('Inspect, replay and purge the dead-letter queues (<queue>.dlq) over AMQP');
  const amqpUrl = () => new Option('--amqp-url <url>', 'broker URL with the vhost (default: $AMQP_URL or amqp://guest:guest@127.0.0.1:5672)');
  const queueArg = '<queue>';
  const queueHelp = 'a queue of the topology, e.g. fulfillment.commands (its .dlq name works too)';
  dlq
    .command('list')
    .description('Every DLQ of the topology with its message count (a missing one is reported, not created)')
    .addOption(amqpUrl())
    .option('--json', 'one JSON document')
    .action(async (opts: { amqpUrl?: string; json?: boolean }) => {
      process.exitCode = await listDlqs(opts);
    });
  dlq
    .command('show')
    .description('The first dead letters of a queue with id, type, correlation id, reason, attempt and time; removes nothing')
    .argument(queueArg, queueHelp)
    .addOption(amqpUrl())
    .option('--limit <n>', 'how many', positiveInteger, 10)
    .option('--body', 'print each message body too')
    .option('--json', 'one JSON object per message (body included)')
    .action(async (queue: string, opts: { amqpUrl?: string; limit: number; body?: boolean; json?: boolean }) => {
      process.exitCode = await showDlq(queue, opts);
    });
  dlq
    .command('replay')
    .description('Move dead letters back to their queue with x-oms-attempt reset to 1 (confirmed before removal from the DLQ)')
    .argument(queueArg, queueHelp)
    .addOption(amqpUrl())
    .option('--limit <n>', 'replay at most n messages', positiveInteger)
    .option('--id <messageId...>', 'replay only these message ids; the others stay in the DLQ')
    .option('--dry-run', 'print what would be replayed, change nothing')
    .action(async (queue: string, opts: { amqpUrl?: string; limit?: number; id?: string[]; dryRun?: boolean }) => {
      process.exitCode = await replayDlq(queue, { amqpUrl: opts.amqpUrl, limit: opts.limit, ids: opts.id, dryRun: opts.dryRun });
    });
  dlq
    .command('purge')
    .description('Delete every dead letter of a queue (refuses without --yes)')
    .argument(queueArg, queueHelp)
    .addOption(amqpUrl())
    .option('--yes', 'really delete them')
    .action(async (queue: string, opts: { amqpUrl?: string; yes?: boolean }) => {
      process.exitCode = await purgeDlq(queue, opts);
    });
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
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
