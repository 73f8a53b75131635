#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright (never Playwright's own browser download).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "warning: /usr/bin/chromium is missing and cannot be installed here; browser tests will skip (they fail in CI)" >&2
