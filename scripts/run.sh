#!/usr/bin/env bash
# Install what the app needs (runtime only, quick when already done), then start it.
#
# Usage: scripts/run.sh [interpreter options...]
#   Arguments are passed to the `interpreter` command; without any it starts the app.
#   The app's exit code is passed through. Relative paths in arguments are taken from the
#   directory you run this from.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

bash "$ROOT/scripts/setup.sh"
exec "$ROOT/.venv/bin/interpreter" "$@"
