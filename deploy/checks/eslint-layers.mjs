// The layer rule of eslint.config.mjs must keep firing. Lints made-up files in each layer of a service (in memory: nothing
// is written) with the repository's own config, and expects @typescript-eslint/no-restricted-imports on every forbidden
// import and on none of the allowed ones. Run by deploy/checks/eslint-layers.sh, so by `npm test`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RULE = '@typescript-eslint/no-restricted-imports';
const PROBE = '__eslint-layer-probe__.ts';

// [folder under services/, import source, forbidden?]; the probe file is <folder>/__eslint-layer-probe__.ts.
const cases = [
  // domain/: no I/O, no transport, no other layer.
  ...[
    'mongoose',
    'express',
    'amqplib',
    'ioredis',
    'node:http',
    'http',
    '@oms/messaging',
    '@oms/outbox',
    '@oms/runtime',
    '@oms/http',
    '@oms/mongo',
    '@oms/redis',
  ].map((source) => ['ingestion/src/domain', source, true]),
  ['ingestion/src/domain', 'mongoose/lib/types', true],
  ['ingestion/src/domain', '../application/cancel-order', true],
  ['ingestion/src/domain', '../entry-points/http/internal-orders', true],
  ['ingestion/src/domain', '../data-access/order-repository', true],
  ['ingestion/src/domain/rules', '../../application', true],
  ['ingestion/src/domain', './../data-access/order-model', true],
  ['gateway/src/domain', 'mongoose', true], // every service, not only one
  ['returns/src/domain', '../data-access/return.model', true],
  ['ingestion/src/domain', '@oms/contracts', false],
  ['ingestion/src/domain', '@oms/errors', false],
  ['ingestion/src/domain', './order', false],
  ['ingestion/src/domain', 'zod', false],
  ['ingestion/src/domain', 'node:crypto', false],
  ['ingestion/src/domain', 'https-proxy-agent', false], // `http` matches the name, not a prefix
  // application/: no transport, never entry-points/.
  ['ingestion/src/application', 'express', true],
  ['ingestion/src/application', 'amqplib', true],
  ['ingestion/src/application', '@oms/http', true],
  ['ingestion/src/application', '../entry-points/http/internal-orders', true],
  ['ingestion/src/application', '../domain/order', false],
  ['ingestion/src/application', '../data-access/order-repository', false],
  ['ingestion/src/application', '@oms/outbox', false],
  // entry-points/: through application/, never data-access/ or mongoose.
  ['ingestion/src/entry-points/http', 'mongoose', true],
  ['ingestion/src/entry-points/http', '../../data-access/order-repository', true],
  ['ingestion/src/entry-points', '../data-access/order-model', true],
  ['ingestion/src/entry-points/http', '../../application/cancel-order', false],
  ['ingestion/src/entry-points/http', '../../domain/order', false],
  ['ingestion/src/entry-points/http', 'express', false],
  ['ingestion/src/entry-points/messages', '@oms/messaging', false],
  // data-access/: none of the layers above it.
  ['ingestion/src/data-access', '../application/cancel-order', true],
  ['ingestion/src/data-access', '../entry-points/http/internal-orders', true],
  ['ingestion/src/data-access', 'mongoose', false],
  ['ingestion/src/data-access', '../domain/order', false],
  // Outside the layers: the composition root wires them all.
  ['ingestion/src', './entry-points/http/internal-orders', false],
  ['ingestion/src', 'mongoose', false],
];
// Every way to write an import counts: value, type-only, re-export, side effect.
const forms = [
  (s) => `import { x } from '${s}';\nexport const y = x;`,
  (s) => `import type { X } from '${s}';\nexport type Y = X;`,
  (s) => `export * from '${s}';`,
  (s) => `import '${s}';`,
];

const eslint = new ESLint({ cwd: root });
const failures = [];
let checked = 0;
for (const [folder, source, forbidden] of cases) {
  const filePath = path.join(root, 'services', folder, PROBE);
  for (const form of forms) {
    const [result] = await eslint.lintText(form(source), { filePath, warnIgnored: true });
    const fatal = result.messages.filter((m) => m.fatal || m.ruleId === null);
    const hits = result.messages.filter((m) => m.ruleId === RULE);
    checked++;
    const where = `services/${folder}: ${form(source).split('\n')[0]}`;
    if (fatal.length) failures.push(`${where}: ${fatal.map((m) => m.message).join('; ')}`);
    else if (forbidden && hits.length === 0) failures.push(`${where}: allowed, but the layer rule forbids it`);
    else if (!forbidden && hits.length > 0) failures.push(`${where}: refused (${hits[0].message}), but the layer rule allows it`);
  }
}
if (failures.length) {
  console.error(`eslint-layers: the layer rule of eslint.config.mjs does not do what it should (${failures.length} of ${checked} probes):`);
  for (const f of failures) console.error(`  ${f}`);
  process.exit(1);
}
console.log(`eslint-layers: ${checked} probes, the layer rule refuses every forbidden import and no allowed one`);
