"""What the terminal says about a pair: missing models name the install command and the
offline route; a language that does not exist is refused with the supported ones."""

from __future__ import annotations

import pytest
from cli_helpers import run_cli

from interpreter.translate.base import TranslationError
from interpreter.translate.loader import build_engine


def test_missing_models_name_install_and_the_offline_route(tmp_path):
    with pytest.raises(TranslationError) as raised:
        build_engine("ar", "fi", models_dir=tmp_path)
    message = str(raised.value)
    assert "interpreter models install fi-ar" in message
    assert "interpreter models export fi-ar --to FILE" in message
    assert "interpreter models import FILE" in message
    assert "Copy one of these" not in message


def test_listen_without_models_says_how_to_get_them(tmp_path, finnish_clips):
    result = run_cli(
        "listen", "--replay", str(finnish_clips[0][0]), "--speed", "0", "--pair", "fi-sv"
    )
    assert result.returncode == 0, result.stderr
    assert "Translation fi-sv is off" in result.stderr
    assert "interpreter models install fi-sv" in result.stderr


@pytest.mark.parametrize("pair", ["fi-xx", "qq-fi"])
def test_a_language_that_does_not_exist_is_refused(pair):
    result = run_cli("listen", "--pair", pair)
    assert result.returncode == 2
    line = result.stderr.strip().splitlines()[-1]
    assert f"Unknown language '{pair.replace('fi', '').strip('-')}'" in line
    assert "fi-en" in line and "fi-ar" in line and "fi-uk" in line
    assert "Listening" not in result.stderr
