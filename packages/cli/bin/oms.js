#!/usr/bin/env node
// The `oms` command; build it first: npx tsc -b packages/cli
require('../dist/main.js').run();
