'use strict';
// What the benchmark scripts share: the API key of the running cluster and a Markdown table on stdout.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

/** OMS_KEY, or the key `npm start` wrote to .run/api-key; exits 2 when there is neither. */
function readApiKey() {
  if (process.env.OMS_KEY) return process.env.OMS_KEY;
  try {
    return fs.readFileSync(path.join(root, '.run/api-key'), 'utf8').trim();
  } catch {
    console.error('bench: no API key: start the cluster with `npm start` or set OMS_KEY');
    return process.exit(2);
  }
}

/** A Markdown table (head, then rows of cells; null and undefined print as `-`), columns padded to line up. */
function printTable(head, rows) {
  const cells = rows.map((r) => r.map((c) => String(c ?? '-')));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

module.exports = { readApiKey, printTable };
