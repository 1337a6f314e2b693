#!/usr/bin/env bash
# `npm test`: the same set-up as `npm start` (install, build, test stack), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
echo "test: type-checking the tests"
npx tsc -p tsconfig.test.json
# Offline checks of the deployment files (Kubernetes manifests, compose file, Dockerfile): each
# deploy/checks/*.sh exits non-zero on the first problem it finds.
for check in deploy/checks/*.sh; do
  [ -e "$check" ] || continue
  echo "test: $check"
  bash "$check"
done
bash deploy/stack.sh
# A hung test must not hold CI for its whole 90 minutes.
exec timeout --foreground "${OMS_TEST_TIMEOUT_S:-1200}" npx jest --maxWorkers="${OMS_TEST_WORKERS:-2}" "$@"
