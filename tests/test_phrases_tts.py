"""Speech for phrases without recordings: default and custom commands, cache, errors."""

from __future__ import annotations

import pytest

from interpreter.audio.replay import decode_file
from interpreter.phrases.tts import TtsError, TtsOptions, spoken_form, synthesize


def test_default_english_speech_is_made_once_and_cached(tmp_path, require_speech):
    require_speech("english")
    options = TtsOptions()
    first = synthesize("Please take a queue number.", "en", options, tmp_path)
    stamp = first.stat().st_mtime_ns
    again = synthesize("Please take a queue number.", "en", options, tmp_path)
    assert again == first and again.stat().st_mtime_ns == stamp
    assert len(decode_file(first)) / 16_000 > 1.0
    other = synthesize("Thank you.", "en", options, tmp_path)
    assert other != first
    assert options.describe("en") == "espeak-ng -v en -w {out} -f {text_file}"


def test_a_custom_command_template_and_voice(tmp_path, require_speech):
    require_speech("english")
    options = TtsOptions(command="espeak-ng -v {voice} -w {out} {text}", voices={"en": "en-gb"})
    path = synthesize("Room twelve is on the second floor.", "en", options, tmp_path)
    assert len(decode_file(path)) / 16_000 > 1.0
    default = synthesize("Room twelve is on the second floor.", "en", TtsOptions(), tmp_path)
    assert default != path  # the cache key includes the command and voice


def test_festival_defaults_for_finnish(tmp_path):
    options = TtsOptions()
    assert options.voice_for("fi") == "suo_fi_lj_diphone"
    assert options.encoding_for("fi") == "latin-1"
    assert options.describe("fi").startswith("text2wave -eval (voice_suo_fi_lj_diphone)")
    with pytest.raises(TtsError, match=r"latin-1.*'₂'"):
        synthesize("Hiilidioksidi CO₂", "fi", options, tmp_path)


def test_missing_or_failing_commands_say_what_to_do(tmp_path):
    with pytest.raises(TtsError, match=r"not found.*--tts-command"):
        synthesize("Hei", "fi", TtsOptions(command="no-such-tts-program {out}"), tmp_path)
    with pytest.raises(TtsError, match=r"failed \(exit 1\)"):
        synthesize("Hei", "fi", TtsOptions(command="false {out}"), tmp_path)
    assert not list(tmp_path.glob("*.wav"))  # nothing half-made is cached


def test_typographic_characters_are_spelled_for_festival(tmp_path, require_speech):
    assert spoken_form("Auki klo 8–16, maksu 12 €.", "fi", "latin-1") == (
        "Auki klo 8 - 16, maksu 12  euroa."
    )
    assert spoken_form("8–16 €", "en", "utf-8") == "8–16 €"  # UTF-8 commands read it as is
    require_speech("finnish")
    path = synthesize("Vastaanotto on auki klo 8–16, maksu 12 €.", "fi", TtsOptions(), tmp_path)
    assert len(decode_file(path)) / 16_000 > 1.0
