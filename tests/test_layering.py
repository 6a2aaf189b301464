"""The three rooms import in one direction: ``ui`` above ``interpreter`` above ``models``.

Checked on the source, so an import inside a function (the lazy kind this project uses
for heavy libraries) counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: What each room must never import.
FORBIDDEN = {
    "models": ("interpreter", "ui", "PySide6"),
    "interpreter": ("ui", "PySide6"),
}
#: The command line is the program's entry point, above all three rooms: its ``desk``
#: command starts the window, and ``doctor --report`` reads the window's saved settings.
ENTRY_POINTS = {"interpreter/cli.py"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every absolute import in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def violations(room: str) -> list[str]:
    banned = FORBIDDEN[room]
    return [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in sorted((REPO / room).rglob("*.py"))
        if path.relative_to(REPO).as_posix() not in ENTRY_POINTS
        for line, module in imported_modules(path)
        if module.split(".")[0] in banned
    ]


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_a_room_never_imports_the_rooms_above_it(room):
    assert violations(room) == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def load():\n    from interpreter.session import load_engine\n")
    assert imported_modules(module) == [(2, "interpreter.session")]
