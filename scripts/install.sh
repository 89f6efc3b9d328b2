#!/usr/bin/env bash
# Installs everything mosulmap and its tests need: a .venv with the package and its dev tools,
# and Debian's chromium for the real-browser test (when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # Optional: without it only the browser test fails; the install goes on.
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
      || echo "note: could not install chromium; the browser test will fail until it is installed" >&2
  else
    echo "note: the browser test needs Debian's chromium: sudo apt-get install chromium" >&2
  fi
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev]"
