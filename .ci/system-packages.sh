#!/usr/bin/env bash
# The system packages the test suite runs against (Debian): redis-server for the revocation-store
# tests (redis-sentinel for the failover test), chromium for the browser tests. Installed with apt-get when missing and running as root
# (CI, a fresh container); otherwise says what to install and leaves it to you.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v redis-sentinel >/dev/null 2>&1 || [ -x /usr/bin/redis-sentinel ] || missing+=(redis-sentinel)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the test suite (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The test suite needs ${missing[*]}: apt-get install ${missing[*]} (as root). The Redis and browser tests fail without them." >&2
fi
