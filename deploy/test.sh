#!/usr/bin/env bash
# `npm test`: the same set-up as `npm start` (install, build, test stack), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
bash deploy/stack.sh
exec npx jest --maxWorkers="${OMS_TEST_WORKERS:-2}" "$@"
