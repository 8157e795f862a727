#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (unit, page and browser tests).
# Usage: bash scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements-test.txt

CHROMIUM="${RNNVIZ_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "scripts/test.sh: installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi

MARK=()
if [ ! -x "$CHROMIUM" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "scripts/test.sh: no chromium at $CHROMIUM and it could not be installed" >&2
    exit 1
  fi
  echo "scripts/test.sh: WARNING no chromium at $CHROMIUM (set RNNVIZ_CHROMIUM): skipping the browser tests" >&2
  MARK=(-m "not e2e")
fi

exec python3 -m pytest "${MARK[@]}" "$@"
