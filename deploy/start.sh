#!/usr/bin/env bash
# `npm start`: install, build, bring up the test stack (with the project's own Redis on 127.0.0.1:6380, docs/redis.md),
# then run all nine services (Ctrl-C stops them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
bash deploy/stack.sh
exec node deploy/cluster.js
