#!/usr/bin/env bash
# Install the test needs, then run the lint, the format check and the whole test suite.
#
# Usage: scripts/test.sh [pytest options...]
#   Extra arguments go to pytest, e.g. `scripts/test.sh -k speech -x`.
#   All three checks always run; the exit code is 0 only when all of them pass.
#   "No tests collected" counts as a failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh --dev

# UI tests render without a display unless the caller chose a platform (e.g. xvfb + xcb).
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

failed=()

echo "==> ruff check"
.venv/bin/ruff check . || failed+=("ruff check")

echo "==> ruff format --check"
.venv/bin/ruff format --check . || failed+=("ruff format --check (run 'make format' to fix)")

echo "==> pytest $*"
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [[ "$status" == 5 ]]; then
    echo "test: pytest collected no tests; check the arguments and the tests folder" >&2
    failed+=("pytest (no tests collected)")
elif [[ "$status" != 0 ]]; then
    failed+=("pytest (exit code $status)")
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "==> FAILED:" >&2
    printf '    %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "==> All checks passed"
