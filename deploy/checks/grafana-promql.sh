#!/usr/bin/env bash
# The Grafana dashboards' PromQL, parsed by Prometheus's own parser (promql/parser: syntax and types, e.g.
# rate() of an instant vector). The broken fixture is checked first and must fail with every one of its
# problems found, so a checker that lets everything through fails too.
set -euo pipefail
cd "$(dirname "$0")/promql"
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
if out=$(go run . testdata/broken-dashboard.json 2>&1); then
  echo "$out"
  echo "grafana-promql: the checker accepted testdata/broken-dashboard.json" >&2
  exit 1
fi
if ! grep -q "5 expressions, 4 problems" <<<"$out"; then
  echo "$out"
  echo "grafana-promql: expected 4 problems in testdata/broken-dashboard.json" >&2
  exit 1
fi
go run . ../../grafana/*.json
