#!/usr/bin/env bash
# `npm test`: the same set-up as `npm start` (install, build), then lint, the offline checks, the test stack, and every jest
# project (unit, component, e2e: jest.config.js). Extra arguments go to jest.
# Lint runs first, but its failure is reported at the end: one run then tells both what lint and what the tests found.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
echo "test: lint (eslint)"
lint_status=0
npx eslint . || lint_status=$?
echo "test: format (prettier --check)"
npx prettier --check --log-level warn "**/*.{ts,tsx,js,mjs,cjs}" || lint_status=$?
echo "test: type-checking the tests"
npx tsc -p tsconfig.test.json
echo "test: type-checking the console"
npx tsc -p packages/console/tsconfig.json
# Offline checks of the deployment files (Kubernetes manifests, compose file, Dockerfile) and of the lint config:
# each deploy/checks/*.sh exits non-zero on the first problem it finds.
for check in deploy/checks/*.sh; do
  [ -e "$check" ] || continue
  echo "test: $check"
  bash "$check"
done
bash deploy/stack.sh
# Debian's chromium for the console's journeys (playwright-core drives it; no browser download).
OMS_CHROMIUM="$(bash deploy/chromium.sh)"
export OMS_CHROMIUM
# A hung test must not hold CI for its whole 90 minutes.
jest_status=0
timeout --foreground "${OMS_TEST_TIMEOUT_S:-2400}" npx jest --maxWorkers="${OMS_TEST_WORKERS:-2}" "$@" || jest_status=$?
# The chaos run's quick profile (docs/chaos.md) on private servers of its own; its status counts like jest's.
# Skipped when jest was given arguments (a subset of the tests) or with OMS_TEST_CHAOS=0.
if [ "$#" -eq 0 ] && [ "${OMS_TEST_CHAOS:-1}" != 0 ]; then
  echo "test: chaos (npm run chaos -- --quick)"
  chaos_status=0
  timeout --foreground "${OMS_CHAOS_TIMEOUT_S:-900}" node deploy/chaos/run.js --quick --no-build || chaos_status=$?
  [ "$jest_status" -ne 0 ] || jest_status=$chaos_status
fi
if [ "$lint_status" -ne 0 ]; then
  echo "test: lint or format check failed (exit $lint_status): see its report at the start of this run (npm run lint:fix, npm run format)" >&2
  [ "$jest_status" -ne 0 ] || exit "$lint_status"
fi
exit "$jest_status"
