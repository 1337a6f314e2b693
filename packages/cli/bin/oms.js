#!/usr/bin/env node
// Shim so the `oms` command exists right after `npm ci`, before the TypeScript is built.
require('../dist/main.js');
