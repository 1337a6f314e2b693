#!/usr/bin/env bash
# Offline check of the Kubernetes manifests (k8s/): builds each kustomize overlay and validates every object
# strictly against the Go API types of Kubernetes and of the RabbitMQ, MongoDB and Prometheus operators, then
# the project's rules (probes, graceful stop, security context, autoscalers, budgets, network policies...).
# The checker is the Go module deploy/checks/k8s; its tests prove each rule fails on a broken fixture.
# The first run downloads and compiles the Kubernetes modules (minutes); later runs use Go's caches (seconds).
set -euo pipefail
cd "$(dirname "$0")/k8s"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="$PATH:/usr/local/go/bin"
fi
if ! command -v go >/dev/null 2>&1; then
  echo "k8s check: Go is not installed (expected on PATH or in /usr/local/go/bin)" >&2
  exit 1
fi

# (Go runs in -mod=readonly mode by default: the committed go.mod and go.sum are used as they are.)
# Go's test cache does not look at k8s/ (outside this module): the hash of its files becomes part of the key.
OMS_K8S_MANIFESTS_HASH="$(find ../../../k8s -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)"
export OMS_K8S_MANIFESTS_HASH
go test ./...
go run . -root ../../.. k8s/overlays/dev k8s/overlays/prod
