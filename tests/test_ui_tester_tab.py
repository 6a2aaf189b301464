"""The Tester tab, offscreen: load a set, run it with the trained translation models, rate,
save, reopen, export, write the report, cancel and resume, show a broken set's problems,
and play a phrase's recording through a private PulseAudio daemon."""

from __future__ import annotations

import csv
import subprocess
import sys
import threading
import wave
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from pulse import pulse_server  # noqa: F401  (fixture)
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from trained_marian import PHRASE_PAIRS, trained_marian_en_fi, trained_marian_fi_en  # noqa: F401

from interpreter.phrases.metrics import sentence_chrf
from interpreter.phrases.results import RunResult
from interpreter.translate.loader import build_engine
from ui import tester_controls, tester_tab
from ui.tester_i18n import install_tester_translation
from ui.tester_model import COLUMNS

# The tab's class is reached through its module: a module-level name "Test*" is collected.

RUN_TIMEOUT_MS = 180_000
FILE_TIMEOUT_MS = 60_000


def write_set(folder: Path, audio: Path | None = None, pairs=PHRASE_PAIRS) -> Path:
    """The trained pairs both ways: Finnish staff phrases, English client phrases; the
    first staff phrase has the recording ``audio``."""
    lines = ["# name: Trained pairs", "# review: test references", ""]
    lines.append("id\tside\tlang\ttext\tref:en\tref:fi\taudio")
    for index, (fi, en) in enumerate(pairs, start=1):
        clip = audio.name if audio is not None and index == 1 else ""
        lines.append(f"s{index:02d}\tstaff\tfi\t{fi}\t{en}\t\t{clip}")
    for index, (fi, en) in enumerate(pairs, start=1):
        lines.append(f"c{index:02d}\tclient\ten\t{en}\t\t{fi}\t")
    path = folder / "trained-pairs.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tab(qtbot, tmp_path: Path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("tester/runs_dir", str(tmp_path / "runs"))
    settings.setValue("ui_language", "en")  # the assertions read English texts
    widget = tester_tab.TesterTab(settings)
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


@pytest.fixture
def loaded(
    qtbot,
    tab: tester_tab.TesterTab,
    tmp_path: Path,
    trained_marian_fi_en,  # noqa: F811
    trained_marian_en_fi,  # noqa: F811
):
    """The tab with the trained-pairs set loaded and the trained models chosen."""
    path = write_set(tmp_path, audio=tone(tmp_path / "s01.wav"))
    with qtbot.waitSignal(tab.set_loaded, timeout=FILE_TIMEOUT_MS):
        tab.load_set(str(path))
    assert tab.pair_combo.currentText() == "fi-en"
    tab.model_edits["to_client"].setText(str(trained_marian_fi_en))
    tab.model_edits["to_staff"].setText(str(trained_marian_en_fi))
    return tab


def tone(path: Path, seconds: float = 0.3) -> Path:
    t = np.arange(int(16_000 * seconds)) / 16_000
    samples = (0.2 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(samples.tobytes())
    return path


def cell(tab: tester_tab.TesterTab, row: int, column: str) -> str:
    return tab.model.index(row, COLUMNS.index(column)).data()


def select(tab: tester_tab.TesterTab, phrase_id: str) -> None:
    tab.table.selectRow(tab.model.row_of(phrase_id))
    assert tab.rating_panel.phrase_id == phrase_id


def test_run_rate_save_reopen_export_and_report(
    qtbot,
    loaded: tester_tab.TesterTab,
    tmp_path: Path,
    trained_marian_fi_en,  # noqa: F811
    trained_marian_en_fi,  # noqa: F811
) -> None:
    tab = loaded
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    run = finished.args[0]
    assert not run.cancelled
    assert tab.model.rowCount() == 2 * len(PHRASE_PAIRS) == tab.progress.value()
    # The table shows what the same models translate, scored against the references.
    engines = {
        "fi": build_engine("fi", "en", model_folder=trained_marian_fi_en),
        "en": build_engine("en", "fi", model_folder=trained_marian_en_fi),
    }
    rows = [("fi", fi, en) for fi, en in PHRASE_PAIRS] + [("en", en, fi) for fi, en in PHRASE_PAIRS]
    for row, (lang, source, reference) in enumerate(rows):
        expected = engines[lang].translate(source).translation
        assert cell(tab, row, "source") == source
        assert cell(tab, row, "translation") == expected
        assert cell(tab, row, "chrf") == f"{sentence_chrf(expected, [reference]):.1f}"
        assert float(cell(tab, row, "latency")) >= 0
    run_path = tab.run_path
    assert run_path is not None and run_path.parent == tmp_path / "runs"
    qtbot.waitUntil(run_path.exists, timeout=FILE_TIMEOUT_MS)

    # Selecting a row shows its references; the tester rates two phrases.
    select(tab, "s02")
    assert PHRASE_PAIRS[1][1] in tab.rating_panel.details.toPlainText()
    tab.rating_panel.adequacy_group.button(4).click()
    select(tab, "c03")
    QTest.keyClick(tab.table, Qt.Key.Key_2)  # the keys 0-5 rate the selected phrase
    assert tab.rating_panel.adequacy_group.checkedId() == 2
    tab.rating_panel.misleading.setChecked(True)
    QTest.keyClicks(tab.rating_panel.comment, "says card, not document")
    assert cell(tab, tab.model.row_of("s02"), "rating") == "4/5"
    assert cell(tab, tab.model.row_of("c03"), "rating") == "2/5 misleading"

    # Ratings are saved into the run's own file shortly after the last change.
    def saved_with_ratings() -> bool:
        return len(RunResult.from_json(run_path).ratings) == 2

    qtbot.waitUntil(saved_with_ratings, timeout=FILE_TIMEOUT_MS)
    saved = RunResult.from_json(run_path)
    assert saved.ratings["s02"].adequacy == 4 and not saved.ratings["s02"].misleading
    assert saved.ratings["c03"].adequacy == 2 and saved.ratings["c03"].misleading
    assert saved.ratings["c03"].comment == "says card, not document"

    # Reopening the run shows the ratings again.
    tab.table.clearSelection()
    with qtbot.waitSignal(tab.run_finished, timeout=FILE_TIMEOUT_MS):
        tab.open_run(run_path)
    assert cell(tab, tab.model.row_of("c03"), "rating") == "2/5 misleading"
    select(tab, "c03")
    assert tab.rating_panel.misleading.isChecked()
    assert tab.rating_panel.comment.text() == "says card, not document"

    csv_path = tmp_path / "ratings.csv"
    with qtbot.waitSignal(tab.file_saved, timeout=FILE_TIMEOUT_MS) as done:
        tab.export_ratings(csv_path)
    assert done.args == ["ratings", str(csv_path)]
    with csv_path.open(encoding="utf-8") as rows:
        table = {row["phrase_id"]: row for row in csv.DictReader(rows)}
    assert set(table) == {"s02", "c03"}
    assert table["c03"]["misleading"] == "1" and table["s02"]["adequacy"] == "4"

    report = tmp_path / "report.html"
    with qtbot.waitSignal(tab.file_saved, timeout=FILE_TIMEOUT_MS):
        tab.write_report(report)
    text = report.read_text(encoding="utf-8")
    assert "says card, not document" in text and "2 phrase(s) rated" in text


def test_cancel_keeps_partial_results_and_resume_finishes(
    qtbot, loaded: tester_tab.TesterTab
) -> None:
    tab = loaded
    proceed = threading.Event()

    def hold_after_first(done: int, _total: int, _result: object) -> None:
        if done == 1:  # runs on the worker thread: the run waits until the test has cancelled
            proceed.wait(60)

    tab.run_worker.progress.connect(hold_after_first, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        tab.start_run()
        qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=RUN_TIMEOUT_MS)
        assert tab.cancel_button.isEnabled() and not tab.run_button.isEnabled()
        qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
        proceed.set()
    run = finished.args[0]
    assert run.cancelled and len(run.results) == 1 == tab.model.rowCount()
    assert "Cancelled" in tab.status.text()
    qtbot.waitUntil(lambda: tab.run_path.exists(), timeout=FILE_TIMEOUT_MS)
    assert RunResult.from_json(tab.run_path).cancelled

    tab.rating_panel.adequacy_group.button(5).click()
    assert tab.resume_button.isEnabled()
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        qtbot.mouseClick(tab.resume_button, Qt.MouseButton.LeftButton)
    resumed = finished.args[0]
    assert not resumed.cancelled and len(resumed.results) == 2 * len(PHRASE_PAIRS)
    assert resumed.results[0] == run.results[0]  # kept, not run again
    assert resumed.ratings[run.results[0].phrase_id].adequacy == 5


def test_broken_set_shows_every_problem_with_its_line(
    qtbot, tab: tester_tab.TesterTab, tmp_path
) -> None:
    path = tmp_path / "broken.tsv"
    path.write_text(
        "id\tside\tlang\ttext\tref:en\tref:fi\n"
        "a1\tstaff\tfi\tHyvää päivää.\tGood afternoon.\t\n"
        "a2\tdesk\tfi\tKiitos.\tThank you.\t\n"
        "a1\tstaff\tfi\tNäkemiin!\tGoodbye!\t\n"
        "a4\tclient\ten\tHello.\t\t\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(tab.error_shown, timeout=FILE_TIMEOUT_MS) as shown:
        tab.load_set(str(path))
    message = shown.args[0]
    for line, words in ((3, "side"), (4, "duplicate id"), (5, "no reference")):
        assert f"line {line}: " in message and words in message
    assert str(path) in message
    assert tab.error_box.isVisibleTo(tab) and tab.error_box.toPlainText() == message
    assert not tab.run_button.isEnabled()


def test_the_latest_choice_of_set_wins_over_one_still_loading(
    qtbot, tab: tester_tab.TesterTab, tmp_path: Path
) -> None:
    """The remembered or first built-in set may still be loading when the user opens a
    file: the file is what the tab shows, and a superseded choice's error stays silent."""
    from interpreter.phrases.format import builtin_sets

    chosen = write_set(tmp_path)
    broken = tmp_path / "broken.tsv"
    broken.write_text("id\tside\n", encoding="utf-8")
    errors: list[str] = []
    tab.error_shown.connect(errors.append)
    with qtbot.waitSignal(tab.set_loaded, timeout=FILE_TIMEOUT_MS) as loaded_signal:
        tab.load_set(str(broken))
        tab.load_set(str(builtin_sets()[0]))
        tab.load_set(str(chosen))
    assert loaded_signal.args[0].path == chosen
    # Every answer has come back once the worker answers a later request.
    with qtbot.waitSignal(tab.file_worker.sets_listed, timeout=FILE_TIMEOUT_MS):
        tab._list_sets.emit()
    assert tab.phrase_set.path == chosen and tab.model.rowCount() == 0
    assert tab.set_combo.currentData() == str(chosen)  # the list came back after the file
    assert len(tab.phrase_set.phrases) == 2 * len(PHRASE_PAIRS)
    assert errors == [] and not tab.error_box.isVisibleTo(tab)


def test_a_missing_model_folder_is_reported_and_the_tab_stays_usable(
    qtbot, loaded: tester_tab.TesterTab, tmp_path: Path
) -> None:
    tab = loaded
    missing = tmp_path / "no-such-model"
    tab.model_edits["to_client"].setText(str(missing))
    with qtbot.waitSignal(tab.error_shown, timeout=RUN_TIMEOUT_MS) as shown:
        tab.start_run()
    assert str(missing) in shown.args[0] and shown.args[0].startswith("The run failed")
    assert tab.run_button.isEnabled() and not tab.cancel_button.isEnabled()
    assert tab.run is None and tab.model.rowCount() == 0


def test_play_a_recording_and_report_a_missing_file(
    qtbot,
    loaded: tester_tab.TesterTab,
    pulse_server,  # noqa: F811
    tmp_path: Path,
) -> None:
    tab = loaded
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.start_run()
    select(tab, "s01")
    assert tab.rating_panel.play_button.isEnabled()
    assert "s01.wav" in tab.rating_panel.details.toPlainText()
    with qtbot.waitSignals([tab.player.started, tab.player.finished], timeout=FILE_TIMEOUT_MS):
        qtbot.mouseClick(tab.rating_panel.play_button, Qt.MouseButton.LeftButton)
    select(tab, "s02")
    assert not tab.rating_panel.play_button.isEnabled()  # no recording for this phrase

    missing = tmp_path / "gone.wav"
    with qtbot.waitSignal(tab.error_shown, timeout=FILE_TIMEOUT_MS) as shown:
        tab.rating_panel.play_requested.emit(str(missing))
    assert str(missing) in shown.args[0] and "does not exist" in shown.args[0]


@pytest.mark.slow
def test_speech_mode_shows_transcripts_and_plays_synthesized_speech(
    qtbot,
    tab: tester_tab.TesterTab,
    tmp_path: Path,
    require_speech,
    whisper_base_dir: Path,
    trained_marian_fi_en,  # noqa: F811
    trained_marian_en_fi,  # noqa: F811
    pulse_server,  # noqa: F811
) -> None:
    require_speech("finnish", "english")
    path = write_set(tmp_path, pairs=[PHRASE_PAIRS[1]])  # a sentence about housing allowance
    with qtbot.waitSignal(tab.set_loaded, timeout=FILE_TIMEOUT_MS):
        tab.load_set(str(path))
    tab.model_edits["to_client"].setText(str(trained_marian_fi_en))
    tab.model_edits["to_staff"].setText(str(trained_marian_en_fi))
    tab.audio_check.setChecked(True)
    tab.controls.fast_check.setChecked(True)
    tab.controls.side_check.setChecked(True)
    tab.controls.asr_edit.setText(str(whisper_base_dir))
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as finished:
        tab.start_run()
    run = finished.args[0]
    assert run.mode == "audio" and run.options["speed"] == 0.0 and run.options["mode"] == "side"
    assert [r.synthesized for r in run.results] == [True, True]
    assert not tab.table.isColumnHidden(COLUMNS.index("transcript"))
    assert "asumistu" in cell(tab, 0, "transcript").lower()
    select(tab, "s01")
    assert "synthesized speech" in tab.rating_panel.details.toPlainText()
    with qtbot.waitSignal(tab.player.finished, timeout=FILE_TIMEOUT_MS) as played:
        qtbot.mouseClick(tab.rating_panel.play_button, Qt.MouseButton.LeftButton)
    assert played.args == [run.results[0].audio]


@pytest.mark.parametrize(("language", "run_label"), [("fi", "Aja"), ("sv", "Kör")])
def test_the_tab_speaks_the_desk_language(qtbot, qapp, tmp_path, language, run_label) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("ui_language", language)
    installed = qapp.property("testerTranslationInstalled")
    qapp.setProperty("testerTranslationInstalled", False)
    translator = install_tester_translation(settings)
    try:
        assert translator is not None
        controls = tester_controls.TesterControls()
        qtbot.addWidget(controls)
        assert controls.run_button.text() == run_label
    finally:
        qapp.removeTranslator(translator)
        qapp.setProperty("testerTranslationInstalled", installed)


def test_every_tab_string_is_translated(tmp_path: Path) -> None:
    """The catalogues cover every string of the tab's modules (regenerate them with
    ``pyside6-lupdate -locations none ui/tester_*.py -ts ui/i18n/tester_fi.ts``, translate,
    then ``pyside6-lrelease``)."""
    ui_dir = Path(tester_tab.__file__).parent
    current = tmp_path / "current.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    sources = sorted(str(p) for p in ui_dir.glob("tester_*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(current)], check=True, capture_output=True)

    def messages(path: Path, finished_only: bool) -> set[tuple[str, str]]:
        found = set()
        for context in ET.parse(path).getroot().iter("context"):
            name = context.findtext("name")
            for message in context.iter("message"):
                translation = message.find("translation")
                done = translation is not None and translation.get("type") is None
                if not finished_only or (done and translation.text):
                    found.add((name, message.findtext("source")))
        return found

    needed = messages(current, finished_only=False)
    assert len(needed) > 50
    for language in ("fi", "sv"):
        catalogue = ui_dir / "i18n" / f"tester_{language}.ts"
        assert needed <= messages(catalogue, finished_only=True), language


def test_only_the_pairs_the_city_allows_are_offered(qtbot, tmp_path: Path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("ui_language", "en")
    path = write_set(tmp_path)
    for allowed, offered in ((("fi-sv", "fi-en"), ["fi-en"]), (("fi-sv",), [])):
        widget = tester_tab.TesterTab(settings, allowed_pairs=allowed)
        qtbot.addWidget(widget)
        with qtbot.waitSignal(widget.set_loaded, timeout=FILE_TIMEOUT_MS):
            widget.load_set(str(path))
        pairs = [widget.pair_combo.itemText(i) for i in range(widget.pair_combo.count())]
        assert pairs == offered
        assert widget.run_button.isEnabled() == bool(offered)
        if not offered:
            assert "none of its language pairs is allowed on this desk (fi-sv)" in (
                widget.status.text()
            )
        widget.shutdown()
