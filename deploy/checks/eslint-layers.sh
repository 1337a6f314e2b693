#!/usr/bin/env bash
# The layer rule of eslint.config.mjs (services/*/src: domain, application, entry-points, data-access) still fires:
# see eslint-layers.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node deploy/checks/eslint-layers.mjs
