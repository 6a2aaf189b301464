#!/usr/bin/env bash
# Build the one-folder desktop bundle (no Python needed where it runs) into
# dist/desk-interpreter/ and print its size. Run on the OS the bundle is for.
#
#   bash scripts/bundle.sh            # uses .venv (bash scripts/setup.sh first)
#   PYTHON=python3.11 bash scripts/bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    "$PYTHON" -m pip install "pyinstaller>=6,<7"
fi
"$PYTHON" -m PyInstaller --noconfirm --clean \
    --distpath dist --workpath build/pyinstaller packaging/desk-interpreter.spec
bundle=dist/desk-interpreter
echo "Built $bundle: $(du -sh "$bundle" | cut -f1)"
echo "Start it with: $bundle/interpreter doctor   or   $bundle/desk-interpreter"
