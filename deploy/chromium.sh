#!/usr/bin/env bash
# The browser of the console's journeys (packages/e2e/test/console.test.ts): Debian's chromium package, never
# a browser download. Installed with apt when it is missing (as root, as on the development and CI machines);
# prints the executable's path. `npm test` runs it before jest.
set -euo pipefail
found=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$found" ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get > /dev/null; then
    echo "chromium: not installed, and apt-get cannot install it here (install Debian's chromium package)" >&2
    exit 1
  fi
  echo "chromium: installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends chromium > /dev/null 2>&1 || {
    apt-get update > /dev/null
    apt-get install -y --no-install-recommends chromium > /dev/null
  }
  found=$(command -v chromium)
fi
echo "$found"
