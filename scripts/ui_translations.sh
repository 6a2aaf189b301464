#!/usr/bin/env bash
# Refresh the desk window's interface catalogues (Finnish, Swedish; English is the source).
#
# Usage: scripts/ui_translations.sh
#
# 1. pyside6-lupdate collects every self.tr("...") string of the window modules into
#    ui/i18n/desk_fi.ts and desk_sv.ts (existing translations are kept);
# 2. translate the new entries (Qt Linguist: pyside6-linguist ui/i18n/desk_fi.ts);
# 3. run this again: pyside6-lrelease compiles the .qm files the app loads.
# tests/test_ui_i18n.py fails while a string is untranslated or a .qm is stale.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN=".venv/bin"
SOURCES=(ui/bubble.py ui/client_window.py ui/controller.py ui/controls.py ui/staff_window.py
    ui/model_dialog.py ui/speech_controls.py ui/speech_controller.py ui/settings_dialog.py
    ui/conversation_view.py)
"$BIN/pyside6-lupdate" -no-obsolete -locations none "${SOURCES[@]}" \
    -ts ui/i18n/desk_fi.ts ui/i18n/desk_sv.ts
"$BIN/pyside6-lrelease" ui/i18n/desk_fi.ts ui/i18n/desk_sv.ts
