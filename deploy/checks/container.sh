#!/usr/bin/env bash
# Offline check of the container files (run by npm test through deploy/test.sh): docker-compose.yml loaded
# and validated by compose-go against the compose-spec schema, deploy/Dockerfile linted by BuildKit's own
# linter, .dockerignore, and the project's rules (deploy/checks/container/). First the checker's tests,
# which prove each rule fails on a bad file, then the checker on the repository. Exits non-zero on any problem.
set -euo pipefail
cd "$(dirname "$0")/container"

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    PATH="/usr/local/go/bin:$PATH"
  else
    echo "container check: Go is not installed (looked on PATH and in /usr/local/go/bin)" >&2
    exit 1
  fi
fi

# The modules come from the Go module proxy, verified against the committed go.sum; -mod=readonly refuses
# to run if go.mod or go.sum would need a change.
export GOFLAGS="$(go env GOFLAGS) -mod=readonly"
go test -count=1 ./...
go run . -root ../../..
