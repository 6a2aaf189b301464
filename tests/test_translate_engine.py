"""The translation engine's orchestration, its worker thread and the translate command."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from cli_helpers import run_cli
from tiny_models import tiny_m2m100, tiny_marian  # noqa: F401  (fixtures)

from interpreter.asr.language import LanguagePair
from interpreter.events import (
    CommittedText,
    ErrorEvent,
    RevisedText,
    TranslationEvent,
    UtteranceEnded,
)
from interpreter.translate.backends import load_backend
from interpreter.translate.base import BackendOutput, TranslationError
from interpreter.translate.engine import TranslationEngine
from interpreter.translate.glossary import Glossary, parse
from interpreter.translate.loader import build_engine, parse_model_assignments
from interpreter.translate.worker import TranslationWorker


class ScriptedBackend:
    """A backend whose outputs the test decides, to provoke what real models do rarely:
    dropped placeholders, loops. It records every batch it was given."""

    name = "scripted"

    def __init__(self, rewrite) -> None:
        self.rewrite = rewrite
        self.batches: list[list[str]] = []

    def translate_batch(self, segments: Sequence[str]) -> list[BackendOutput]:
        self.batches.append(list(segments))
        return [BackendOutput(self.rewrite(s), len(s.split())) for s in segments]


def upper(text: str) -> str:
    return text.upper()


def test_sentences_go_as_one_batch_and_come_back_in_order():
    backend = ScriptedBackend(upper)
    engine = TranslationEngine("fi", "en", "test", [backend])
    result = engine.translate("Hyvää päivää. Miten voin auttaa? Kiitos!")
    assert backend.batches == [["Hyvää päivää.", "Miten voin auttaa?", "Kiitos!"]]
    assert result.translation == "HYVÄÄ PÄIVÄÄ. MITEN VOIN AUTTAA? KIITOS!"
    assert result.flags == () and result.route == "test" and result.backend == "scripted"


def test_numbers_times_and_addresses_survive_exactly():
    backend = ScriptedBackend(upper)  # would turn "klo 12.30" and the e-mail upper-case
    engine = TranslationEngine("fi", "en", "test", [backend])
    text = "Aika on 3.2.2026 klo 12.30, hinta 12,50 €. Soita +358 40 123 4567 tai kela@example.fi."
    result = engine.translate(text)
    for span in ("3.2.2026", "12.30", "12,50 €", "+358 40 123 4567", "kela@example.fi"):
        assert span in result.translation
    # The model never saw them: they travelled as placeholders.
    seen = " ".join(backend.batches[0])
    assert "3.2.2026" not in seen and "kela@example.fi" not in seen and "[[" in seen


def test_lost_placeholder_is_repaired_and_flagged():
    engine = TranslationEngine("fi", "en", "test", [ScriptedBackend(lambda s: "Room is free.")])
    result = engine.translate("Huone 12 on vapaa.")
    assert "12" in result.translation and "placeholder_repaired" in result.flags


def test_degenerate_output_shows_source_marked_untranslated():
    looping = ScriptedBackend(lambda s: "the the the the the the the the")
    engine = TranslationEngine("fi", "en", "test", [looping])
    result = engine.translate("Tarvitsen apua asumistuen hakemisessa.")
    assert result.untranslated and result.translation == "Tarvitsen apua asumistuen hakemisessa."
    empty = TranslationEngine("fi", "en", "test", [ScriptedBackend(lambda s: "")])
    assert empty.translate("Hyvää päivää, miten voin auttaa?").untranslated


def test_glossary_terms_are_enforced_through_a_pivot():
    glossary = Glossary(parse("fi\ten\tar\nKela\t=\t=\nasumistuki\thousing allowance\t\n"))
    steps = [ScriptedBackend(upper), ScriptedBackend(lambda s: s.lower())]
    engine = TranslationEngine("fi", "ar", "pivot", steps, glossary=glossary)
    result = engine.translate("Kelasta saa asumistukea.")
    assert "Kela" in result.translation
    # The term went through both models as a placeholder, untouched.
    assert "Kelasta" not in steps[0].batches[0][0] and "Kelasta" not in steps[1].batches[0][0]


def test_repeated_phrases_come_from_the_cache():
    backend = ScriptedBackend(upper)
    engine = TranslationEngine("fi", "en", "test", [backend])
    first = engine.translate("Kiitos.")
    second = engine.translate("Kiitos.")
    assert second == first and len(backend.batches) == 1
    assert engine.cache.hits == 1


def test_a_growing_utterance_translates_only_its_new_sentences():
    backend = ScriptedBackend(upper)
    engine = TranslationEngine("fi", "en", "test", [backend])
    engine.translate("Hyvää päivää.")
    grown = engine.translate("Hyvää päivää. Miten voin auttaa?")
    revised = engine.translate("Hyvää päivää. Miten voin auttaa teitä?")
    assert backend.batches == [
        ["Hyvää päivää."],
        ["Miten voin auttaa?"],
        ["Miten voin auttaa teitä?"],
    ]
    assert grown.translation == "HYVÄÄ PÄIVÄÄ. MITEN VOIN AUTTAA?"
    assert revised.translation == "HYVÄÄ PÄIVÄÄ. MITEN VOIN AUTTAA TEITÄ?"
    assert grown.tokens_out == 2 + 3  # both sentences' output, cached or not
    stats = engine.sentence_cache.stats()
    assert (stats.size, stats.hits, stats.misses) == (3, 2, 3)


def test_sentences_that_differ_only_in_protected_spans_share_a_cache_entry():
    backend = ScriptedBackend(upper)
    engine = TranslationEngine("fi", "en", "test", [backend])
    assert engine.translate("Huone 12 on vapaa. Kiitos. Kiitos.").translation == (
        "HUONE 12 ON VAPAA. KIITOS. KIITOS."
    )
    assert engine.translate("Huone 14 on vapaa.").translation == "HUONE 14 ON VAPAA."
    assert backend.batches == [["Huone [[1]] on vapaa.", "Kiitos."]]


def test_the_sentence_cache_holds_a_pivots_last_output():
    steps = [ScriptedBackend(upper), ScriptedBackend(lambda s: s.replace("A", "4"))]
    engine = TranslationEngine("fi", "ar", "pivot", steps)
    engine.translate("Kiitos paljon.")
    result = engine.translate("Kiitos paljon. Näkemiin!")
    assert [step.batches for step in steps] == [
        [["Kiitos paljon."], ["Näkemiin!"]],
        [["KIITOS PALJON."], ["NÄKEMIIN!"]],
    ]
    assert result.translation == "KIITOS P4LJON. NÄKEMIIN!"


def test_empty_and_oversized_input():
    engine = TranslationEngine("fi", "en", "test", [ScriptedBackend(upper)])
    assert engine.translate("").translation == ""
    assert engine.translate("   ").translation == ""
    with pytest.raises(TranslationError, match="too long"):
        engine.translate("a" * 30_000)


def test_real_tiny_models_through_the_engine(tiny_marian, tiny_m2m100):  # noqa: F811
    for spec in (tiny_marian, tiny_m2m100):
        for prefer in ("transformers", "ctranslate2"):
            engine = TranslationEngine("fi", "en", "tiny", [load_backend(spec, prefer=prefer)])
            long_text = "Tämä on pitkä lause asumistuesta. " * 300  # about 10,000 characters
            for text in ("Hyvää päivää!", "Kela ja كيلا ja Кела.", "مرحبا بكم", long_text):
                result = engine.translate(text)
                assert isinstance(result.translation, str) and result.tokens_out >= 0
                assert result.backend == prefer


def test_unsupported_pair_and_broken_folder_are_clear(tiny_marian, tmp_path):  # noqa: F811
    with pytest.raises(TranslationError, match="No translation route for fi-xx"):
        build_engine("fi", "xx", model_folder=tiny_marian.path)
    broken = tmp_path / "broken"
    shutil.copytree(tiny_marian.path, broken)
    (broken / "source.spm").unlink()
    with pytest.raises(TranslationError, match=r"source\.spm"):
        build_engine("fi", "et", model_folder=broken, prefer="transformers")
    with pytest.raises(TranslationError, match="No translation model is installed for fi-so"):
        build_engine("fi", "so", models_dir=tmp_path)
    with pytest.raises(TranslationError, match="SRC-TGT=PATH"):
        parse_model_assignments(["fi-en"])


def _event(cls, uid, text, lang="fi", side="staff", **extra):
    return cls(
        utterance_id=uid,
        side=side,
        lang=lang,
        text=text,
        audio_start=0.0,
        audio_end=1.0,
        speech_end=1.0,
        emitted_at=1.0,
        **extra,
    )


def test_worker_translates_latest_text_and_the_final_one():
    gate = threading.Event()
    seen: list = []
    done = threading.Event()

    def slow_upper(text: str) -> str:
        gate.wait(10)  # hold the first translation so later commits queue up
        return text.upper()

    def on_event(event) -> None:
        seen.append(event)
        if isinstance(event, TranslationEvent) and event.final:
            done.set()

    engines = {
        ("fi", "en"): TranslationEngine("fi", "en", "t", [ScriptedBackend(slow_upper)]),
        ("en", "fi"): TranslationEngine("en", "fi", "t", [ScriptedBackend(upper)]),
    }
    worker = TranslationWorker(LanguagePair("fi", "en"), engines, lambda: 2.0, on_event)
    worker.start()
    worker.submit(_event(CommittedText, 1, "hyvää"))
    worker.submit(_event(CommittedText, 1, "päivää"))
    worker.submit(_event(CommittedText, 1, "teille"))
    worker.submit(_event(UtteranceEnded, 1, "hyvää päivää teille"))
    gate.set()
    assert done.wait(10)
    worker.stop(10)
    translations = [e for e in seen if isinstance(e, TranslationEvent)]
    assert translations[-1].final and translations[-1].text == "HYVÄÄ PÄIVÄÄ TEILLE"
    assert translations[-1].lang == "en" and translations[-1].source_lang == "fi"
    assert len(translations) <= 3 and worker.superseded >= 1
    assert all(e.utterance_id == 1 and e.emitted_at == 2.0 for e in translations)


def _upper_and_title_worker(on_event) -> TranslationWorker:
    """fi->en writes upper case, en->fi title case: the direction shows in the text."""
    engines = {
        ("fi", "en"): TranslationEngine("fi", "en", "t", [ScriptedBackend(upper)]),
        ("en", "fi"): TranslationEngine("en", "fi", "t", [ScriptedBackend(str.title)]),
    }
    return TranslationWorker(LanguagePair("fi", "en"), engines, lambda: 3.0, on_event)


def test_a_revision_replaces_the_text_and_direction_being_translated():
    seen: list = []
    worker = _upper_and_title_worker(seen.append)
    worker.submit(_event(CommittedText, 7, "okei"))
    revised = RevisedText(
        utterance_id=7,
        side="client",
        lang="en",
        text="okay so I live in Espoo",
        audio_start=0.0,
        audio_end=2.0,
        speech_end=1.8,
        emitted_at=2.0,
        previous_lang="fi",
        previous_text="okei",
    )
    worker.submit(revised)
    worker.submit(_event(CommittedText, 7, "now", lang="en", side="client"))
    worker.submit(
        _event(UtteranceEnded, 7, "okay so I live in Espoo now", lang="en", side="client")
    )
    worker.start()  # everything is queued: only the newest text of utterance 7 is translated
    worker.stop(10)
    translations = [e for e in seen if isinstance(e, TranslationEvent)]
    assert [e.text for e in translations] == ["Okay So I Live In Espoo Now"]
    final = translations[-1]
    assert final.final and final.lang == "fi" and final.source_lang == "en"
    assert final.side == "client"


def test_a_revision_is_translated_in_its_new_direction():
    seen: list = []
    worker = _upper_and_title_worker(seen.append)
    worker.start()
    revised = RevisedText(7, "client", "en", "yes please", 0.0, 1.0, 0.9, 1.0, "fi", "jes")
    worker.submit(revised)
    worker.stop(10)
    (translation,) = [e for e in seen if isinstance(e, TranslationEvent)]
    assert translation.text == "Yes Please" and translation.lang == "fi" and not translation.final


def test_final_translations_go_before_text_still_being_spoken():
    seen: list = []
    worker = _upper_and_title_worker(seen.append)
    # Queued while the worker is busy: the growing text of utterances 2 and 3, then the
    # end of utterance 1, whose listener is waiting for its final translation.
    worker.submit(_event(CommittedText, 2, "minulla on"))
    worker.submit(_event(CommittedText, 3, "ja sitten"))
    worker.submit(_event(UtteranceEnded, 1, "hyvää päivää"))
    worker.submit(_event(UtteranceEnded, 4, "kiitos"))
    worker.start()
    worker.stop(10)
    order = [(e.utterance_id, e.final) for e in seen if isinstance(e, TranslationEvent)]
    assert order == [(1, True), (4, True), (2, False), (3, False)]


class _HeldBackend(ScriptedBackend):
    """Translates in upper case, but holds each batch until the test lets it go or the
    caller gives it up, like CTranslate2 asking ``stop`` after every token."""

    stoppable = True

    def __init__(self) -> None:
        super().__init__(upper)
        self.running = threading.Event()
        self.release = threading.Event()
        self.gave_up = threading.Event()

    def translate_batch(self, segments, stop=None):
        self.running.set()
        while not self.release.wait(0.01):
            if stop is not None and stop():
                self.gave_up.set()
                break
        return super().translate_batch(segments)


def test_the_final_text_stops_a_running_translation_of_older_text():
    seen: list = []
    backend = _HeldBackend()
    engines = {("fi", "en"): TranslationEngine("fi", "en", "t", [backend])}
    worker = TranslationWorker(LanguagePair("fi", "en"), engines, lambda: 1.0, seen.append)
    worker.start()
    worker.submit(_event(CommittedText, 1, "minulla on"))
    assert backend.running.wait(10)
    backend.running.clear()
    worker.submit(_event(UtteranceEnded, 1, "minulla on kysymys"))
    assert backend.gave_up.wait(10)  # given up without being let go
    assert backend.running.wait(10)  # and the final text started at once
    backend.release.set()
    worker.stop(10)
    translations = [e for e in seen if isinstance(e, TranslationEvent)]
    assert [(e.text, e.final) for e in translations] == [("MINULLA ON KYSYMYS", True)]
    assert worker.cancelled == 1


def test_the_same_final_text_lets_the_running_translation_finish():
    seen: list = []
    backend = _HeldBackend()
    engines = {("fi", "en"): TranslationEngine("fi", "en", "t", [backend])}
    worker = TranslationWorker(LanguagePair("fi", "en"), engines, lambda: 1.0, seen.append)
    worker.start()
    worker.submit(_event(CommittedText, 1, "minulla on kysymys"))
    assert backend.running.wait(10)
    worker.submit(_event(UtteranceEnded, 1, "minulla on kysymys"))
    backend.release.set()
    worker.stop(10)
    translations = [e for e in seen if isinstance(e, TranslationEvent)]
    assert [(e.text, e.final) for e in translations] == [
        ("MINULLA ON KYSYMYS", False),
        ("MINULLA ON KYSYMYS", True),
    ]
    assert worker.cancelled == 0 and len(backend.batches) == 1  # the final came from the cache


def test_worker_reports_a_missing_direction():
    seen: list = []
    worker = TranslationWorker(LanguagePair("fi", "sv"), {}, lambda: 0.0, seen.append)
    worker.start()
    worker.submit(_event(UtteranceEnded, 4, "hej", lang="sv"))
    worker.stop(10)
    assert len(seen) == 1 and isinstance(seen[0], ErrorEvent) and "sv-fi" in seen[0].text


def run_translate(*args: str, stdin: str | None = None):
    return run_cli("translate", *args, stdin=stdin)


def test_translate_command_jsonl_and_stdin(tiny_marian):  # noqa: F811
    result = run_translate(
        "--from",
        "fi",
        "--to",
        "et",
        "--mt-model",
        str(tiny_marian.path),
        "--backend",
        "transformers",
        "--jsonl",
        stdin="Hyvää päivää.\nKiitos paljon.\n",
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == ["Hyvää päivää.", "Kiitos paljon."]
    for record in records:
        assert {"text", "translation", "route", "backend", "tokens_out", "ms"} <= record.keys()
        assert record["backend"] == "transformers"


def test_translate_command_errors_are_one_line(tmp_path: Path):
    result = run_translate("--from", "fi", "--to", "xx", "Hei")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "fi-xx" in result.stderr
    missing = run_translate("--from", "fi", "--to", "en", "--mt-model", str(tmp_path / "no"), "Hei")
    assert missing.returncode == 2 and str(tmp_path / "no") in missing.stderr


def test_tentative_translation_is_off_by_default_and_throttled():
    from interpreter.events import TentativeText

    now = [0.0]
    seen: list = []
    engines = {("fi", "en"): TranslationEngine("fi", "en", "t", [ScriptedBackend(upper)])}
    quiet = TranslationWorker(LanguagePair("fi", "en"), engines, lambda: now[0], seen.append)
    quiet.start()
    quiet.submit(_event(TentativeText, 1, "hyvää päi"))
    quiet.stop(10)
    assert seen == []

    worker = TranslationWorker(
        LanguagePair("fi", "en"),
        engines,
        lambda: now[0],
        seen.append,
        tentative_interval_seconds=1.0,
    )
    for t, text in ((0.0, "hyvää"), (0.5, "hyvää päivää"), (1.2, "hyvää päivää teille")):
        now[0] = t
        worker.submit(_event(TentativeText, 1, text))
    worker.start()
    worker.stop(10)
    # 0.5 s was too soon after 0.0 s; the 1.2 s request replaced the still-queued first one.
    assert [e.text for e in seen] == ["HYVÄÄ PÄIVÄÄ TEILLE"] and worker.superseded == 1
    assert all("tentative" in e.flags and not e.final for e in seen)


def test_wait_idle_returns_once_the_last_translation_is_out():
    gate = threading.Event()
    seen: list = []

    def held_upper(text: str) -> str:
        assert gate.wait(10)
        return text.upper()

    engines = {("fi", "en"): TranslationEngine("fi", "en", "t", [ScriptedBackend(held_upper)])}
    worker = TranslationWorker(LanguagePair("fi", "en"), engines, lambda: 1.0, seen.append)
    assert worker.wait_idle(0)  # nothing asked yet
    worker.start()
    worker.submit(_event(UtteranceEnded, 4, "kiitos"))
    assert not worker.wait_idle(0.2)  # held in the model
    gate.set()
    assert worker.wait_idle(10)
    assert [e.text for e in seen if isinstance(e, TranslationEvent)] == ["KIITOS"]
    worker.stop(10)
