#!/usr/bin/env bash
# `npm start`: install, build, bring up the test stack, then run all seven services (Ctrl-C stops them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
bash deploy/stack.sh
exec node deploy/cluster.js
