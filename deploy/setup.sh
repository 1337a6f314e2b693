#!/usr/bin/env bash
# Install what is missing and build: used by `npm start`, `npm test` and .ci/run. Idempotent and quick when warm.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]')
node_minor=$(node -p 'process.versions.node.split(".")[1]')
if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; }; then
  echo "setup: Node.js 20.19 or later is required (found $(node -v))" >&2
  exit 1
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: building (tsc -b)"
npx tsc -b tsconfig.build.json
echo "setup: building the console (esbuild)"
node packages/console/build.mjs
