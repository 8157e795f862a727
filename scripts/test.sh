#!/usr/bin/env bash
# Set up everything the tests need, then run the whole suite (unit, page and browser tests).
#
#   bash scripts/test.sh [extra pytest args]
#
# 1. a virtual environment in .venv (created once, reused by later runs; RNNVIZ_VENV=path to move it);
# 2. the pinned packages (requirements-test.txt) and the rnnviz package itself (`pip install .`,
#    so tests/unit/test_packaging.py can import the installed package from another directory);
# 3. Debian's chromium for the browser tests where it is missing (apt-get, as root or with sudo);
# 4. pytest, with a progress line per test file.
# First run on a fresh machine: a few minutes of installing (torch is ~200 MB), then the tests
# (README, "Quick start", says how long it takes).
set -euo pipefail
cd "$(dirname "$0")/.."
T0=$SECONDS
step() { printf '\n== scripts/test.sh [%s, %ss] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - T0))" "$*"; }

VENV="${RNNVIZ_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  step "1/4 creating the virtual environment $VENV (python3 -m venv)"
  python3 -m venv "$VENV"
else
  step "1/4 reusing the virtual environment $VENV"
fi
PY="$VENV/bin/python"

# pip prints each package as it is collected, downloaded and installed; the lines for packages
# that are already there are dropped. pipefail keeps pip's exit status. A reused .venv whose
# requirements files have not changed skips this step (the hash is kept in .venv).
REQ_HASH="$(cat requirements.txt requirements-test.txt | sha256sum | cut -c1-16)"
if [ "$(cat "$VENV/.rnnviz-requirements" 2>/dev/null)" != "$REQ_HASH" ]; then
  step "2/4 installing the pinned packages into $VENV (first time: a few minutes, torch is ~200 MB)"
  "$PY" -m pip install --disable-pip-version-check -r requirements-test.txt 2>&1 \
    | { grep -v -e '^Requirement already satisfied' -e '^Looking in' -e 'is ignored: it is neither' || true; }
  echo "$REQ_HASH" > "$VENV/.rnnviz-requirements"
else
  step "2/4 the pinned packages in $VENV are up to date (requirements*.txt unchanged)"
fi
# rnnviz itself, as a user's `pip install .` builds it (setuptools comes with requirements-test.txt)
"$PY" -m pip install --disable-pip-version-check --quiet --no-deps --no-build-isolation --force-reinstall .
echo "rnnviz installed into $VENV"

CHROMIUM="${RNNVIZ_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  step "3/4 installing Debian's chromium for the browser tests (apt-get)"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
else
  step "3/4 chromium found at $CHROMIUM"
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

export RNNVIZ_TEST_INSTALLED=1   # tests/unit/test_packaging.py: rnnviz was just installed into $VENV
if [ ${#MARK[@]} -gt 0 ] || [ $# -gt 0 ] || [ "${RNNVIZ_TEST_SERIAL:-}" = 1 ]; then
  step "4/4 running the tests (pytest: one dot per passed test, percentage per file)"
  exec "$PY" -m pytest "${MARK[@]}" "$@"
fi

# The browser tests spend most of their time waiting on a browser and a server, the others keep a
# core busy: run them side by side, as two pytest processes (RNNVIZ_TEST_SERIAL=1: one after the
# other). Neither depends on timing; the browser tests' waits are for states, not for durations.
E2E_LOG="$(mktemp -t rnnviz-e2e.XXXXXX)"
step "4/4 running the tests: the browser tests (pytest -m e2e) start beside the others, their output follows"
"$PY" -m pytest -m e2e -p no:cacheprovider > "$E2E_LOG" 2>&1 &
E2E_PID=$!
trap 'kill "$E2E_PID" 2>/dev/null || true' EXIT INT TERM
set +e
"$PY" -m pytest -m "not e2e"
RC_OTHER=$?
step "the browser tests (pytest -m e2e), run beside the others: output so far, then as it comes"
if tail --version >/dev/null 2>&1; then  # GNU tail follows the file until the process ends
  tail -n +1 --pid="$E2E_PID" -f "$E2E_LOG"
  wait "$E2E_PID"; RC_E2E=$?
else
  wait "$E2E_PID"; RC_E2E=$?
  cat "$E2E_LOG"
fi
set -e
trap - EXIT INT TERM
rm -f "$E2E_LOG"
step "done: unit and page tests exit $RC_OTHER, browser tests exit $RC_E2E (0 = passed)"
[ "$RC_OTHER" = 0 ] && [ "$RC_E2E" = 0 ]
