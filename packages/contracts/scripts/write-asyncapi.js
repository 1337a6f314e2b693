// `npm run asyncapi`: writes docs/asyncapi.json from the contracts' zod schemas and topology.
// Reads the compiled package (the npm script builds it first).
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { asyncApiJson } = require('../dist/asyncapi');

const target = path.resolve(__dirname, '../../../docs/asyncapi.json');
writeFileSync(target, asyncApiJson());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
