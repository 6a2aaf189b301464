"""Text-mode phrase-set runs end to end with the trained translation models: reports,
resume after cancelling, ratings, comparison and bad input."""

# ruff: noqa: F811  (pytest fixtures imported from helper modules)

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sacrebleu
from cli_helpers import run_cli
from phrase_sets import MARKUP_REFERENCE, parse_report, write_trained_set
from tiny_models import tiny_marian  # noqa: F401  (fixture)
from trained_marian import (  # noqa: F401  (fixtures)
    PHRASE_PAIRS,
    trained_marian_en_fi,
    trained_marian_fi_en,
)

from interpreter.phrases.format import load_phrase_set
from interpreter.phrases.ratings import Rating, rate, write_ratings_csv
from interpreter.phrases.report import write_html
from interpreter.phrases.results import MT_STAGE, RunResult
from interpreter.phrases.runner import RunOptions, run_phrase_set

pytestmark = pytest.mark.slow


def models_args(fi_en: Path, en_fi: Path) -> list[str]:
    return ["--mt-model", f"fi-en={fi_en}", "--mt-model", f"en-fi={en_fi}"]


def test_text_run_writes_reports_with_sacrebleu_figures(
    tmp_path,
    trained_marian_fi_en,
    trained_marian_en_fi,
):
    set_path = write_trained_set(tmp_path)
    out = tmp_path / "out"
    result = run_cli(
        "phrases", "run", str(set_path), "--pair", "fi-en",
        *models_args(trained_marian_fi_en, trained_marian_en_fi),
        "--report", str(out / "report.html"), "--json", str(out / "run.json"),
        "--csv", str(out / "run.csv"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "[ 13/13]" in result.stderr  # the progress line
    run = RunResult.from_json(out / "run.json")
    assert not run.cancelled and len(run.results) == run.total_phrases == 13
    assert all(r.error is None for r in run.results)
    fi_en = [r for r in run.results if r.source_lang == "fi"]
    for r in run.results:
        assert r.scores["chrf"] == pytest.approx(
            sacrebleu.sentence_chrf(r.translation, list(r.references)).score
        )
        assert r.latency[MT_STAGE] > 0
    # The trained models reproduce their phrases: real translations, not noise.
    assert sum(r.scores["chrf"] >= 90 for r in run.results) >= 11
    data = json.loads((out / "run.json").read_text(encoding="utf-8"))
    direction = data["summary"]["directions"]["fi-en"]
    streams = [
        [r.references[0] for r in fi_en],
        [r.references[1] if len(r.references) > 1 else None for r in fi_en],
    ]
    corpus = sacrebleu.corpus_chrf([r.translation for r in fi_en], streams)
    assert direction["chrf"] == pytest.approx(corpus.score)
    assert f"chrF {corpus.score:.1f}" in result.stdout
    assert "chrf signature: nrefs:var|case:mixed" in result.stdout
    passport = run.result("fi-02").scores
    assert passport["glossary_total"] == 1
    assert passport["glossary_terms"][0]["expected"] == "passport"
    assert direction["glossary"]["total"] == 1
    assert str(trained_marian_fi_en) in json.dumps(run.models)
    assert run.machine["cores"] and run.machine["libraries"]["sacrebleu"] == sacrebleu.__version__

    report = parse_report(out / "report.html")
    assert report.scripts == 0  # the reference's <script> came out as text
    assert MARKUP_REFERENCE in "".join(report.text)
    pngs = [img["src"] for img in report.images if img["src"].startswith("data:image/png;base64,")]
    assert len(pngs) == 2
    summary_table, phrase_table = report.tables[0], report.tables[-1]
    assert [row[0] for row in summary_table[1:]] == ["en-fi", "fi-en", "all"]
    assert len(phrase_table) == 1 + 13
    header = phrase_table[0]
    row = dict(zip(header, phrase_table[1 + 5], strict=True))
    assert row["id"] == "fi-05" and row["source"] == PHRASE_PAIRS[5][0]
    assert row["translation"] == run.result("fi-05").translation
    assert float(row["chrF"]) == pytest.approx(run.result("fi-05").scores["chrf"], abs=0.05)
    text = "".join(report.text)
    assert str(trained_marian_fi_en) in text and run.machine["cpu"] in text

    with (out / "run.csv").open(encoding="utf-8", newline="") as rows:
        table = list(csv.DictReader(rows))
    assert [r["phrase_id"] for r in table] == [r.phrase_id for r in run.results]
    assert table[0]["translation"] == run.results[0].translation


def test_cancel_keeps_partial_results_and_resume_finishes_them(
    tmp_path,
    trained_marian_fi_en,
    trained_marian_en_fi,
):
    phrase_set = load_phrase_set(write_trained_set(tmp_path))
    options = RunOptions(
        pair="fi-en",
        mt_models={("fi", "en"): trained_marian_fi_en, ("en", "fi"): trained_marian_en_fi},
    )
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done, total, result):
        seen.append((done, total))
        if done == 4:
            cancel.set()

    partial = run_phrase_set(phrase_set, options, on_progress=progress, cancel=cancel)
    assert partial.cancelled and len(partial.results) == 4
    assert seen == [(i, 13) for i in range(1, 5)]
    rate(partial, "fi-01", Rating(adequacy=4, misleading=False, comment="ok, but <stiff>"))
    rate(partial, "fi-02", Rating(adequacy=2, misleading=True, comment="passport missing"))
    with pytest.raises(KeyError):
        rate(partial, "fi-09", Rating(adequacy=3))  # not run yet
    with pytest.raises(ValueError):
        Rating(adequacy=6)
    saved = partial.to_json(tmp_path / "partial.json")
    reloaded = RunResult.from_json(saved)
    assert reloaded.ratings == partial.ratings and reloaded.cancelled
    report = parse_report(write_html(reloaded, tmp_path / "partial.html"))
    assert "Cancelled: 4 of 13 phrases" in "".join(report.text)
    assert "ok, but <stiff>" in "".join(report.text)

    resumed = run_phrase_set(phrase_set, options, resume=reloaded)
    assert not resumed.cancelled and len(resumed.results) == 13
    assert [r.to_dict() for r in resumed.results[:4]] == [r.to_dict() for r in reloaded.results]
    assert resumed.started_at == partial.started_at
    assert resumed.ratings == partial.ratings
    rows = write_ratings_csv(resumed, tmp_path / "ratings.csv").read_text(encoding="utf-8")
    assert rows.splitlines()[1].startswith('fi-01,4,0,"ok, but <stiff>",')
    assert rows.splitlines()[2].startswith("fi-02,2,1,passport missing,")
    with pytest.raises(ValueError, match="audio"):
        run_phrase_set(phrase_set, RunOptions(pair="fi-en", audio=True), resume=reloaded)


def test_ctrl_c_writes_partial_results_and_resume_completes(
    tmp_path,
    trained_marian_fi_en,
):
    rows = "".join(
        f"r{n:03d}\tstaff\tfi\tHuone {n} on toisessa kerroksessa.\tRoom {n} is on the second "
        "floor.\n"
        for n in range(1, 151)
    )
    set_path = tmp_path / "rooms.tsv"
    set_path.write_text("id\tside\tlang\ttext\tref:en\n" + rows, encoding="utf-8")
    outputs = ["--json", str(tmp_path / "run.json"), "--report", str(tmp_path / "run.html")]
    command = [sys.executable, "-m", "interpreter", "phrases", "run", str(set_path)]
    command += ["--mt-model", f"fi-en={trained_marian_fi_en}", *outputs]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stderr is not None
    seen = b""
    while b"[  2/150]" not in seen:
        byte = process.stderr.read(1)
        assert byte, (seen, process.wait())
        seen += byte
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr.decode()
    assert b"Cancelled after" in stderr and b"--resume" in stderr
    partial = RunResult.from_json(tmp_path / "run.json")
    assert partial.cancelled and 2 <= len(partial.results) < 150
    assert "Cancelled:" in (tmp_path / "run.html").read_text(encoding="utf-8")

    result = run_cli(
        "phrases", "run", str(set_path), "--mt-model", f"fi-en={trained_marian_fi_en}",
        "--resume", str(tmp_path / "run.json"), *outputs,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    done = RunResult.from_json(tmp_path / "run.json")
    assert not done.cancelled and len(done.results) == 150
    assert [r.phrase_id for r in done.results] == [f"r{n:03d}" for n in range(1, 151)]


def test_compare_highlights_the_better_model(
    tmp_path,
    tiny_marian,
    trained_marian_fi_en,
):
    set_path = write_trained_set(tmp_path, fi_en=range(6), en_fi=())
    runs = {}
    for name, model in (("a", tiny_marian.path), ("b", trained_marian_fi_en)):
        runs[name] = tmp_path / f"{name}.json"
        result = run_cli(
            "phrases", "run", str(set_path), "--mt-model", f"fi-en={model}",
            "--json", str(runs[name]),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    result = run_cli(
        "phrases", "compare", str(runs["a"]), str(runs["b"]),
        "--report", str(tmp_path / "d.html"), "--json", str(tmp_path / "d.json"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    a, b = RunResult.from_json(runs["a"]), RunResult.from_json(runs["b"])
    better = [
        ra.phrase_id
        for ra, rb in zip(a.results, b.results, strict=True)
        if rb.scores["chrf"] - ra.scores["chrf"] >= 1
    ]
    assert len(better) >= 5  # random weights against a trained model
    assert f"better: {len(better)}" in result.stdout
    html = (tmp_path / "d.html").read_text(encoding="utf-8")
    report = parse_report(tmp_path / "d.html")
    phrase_table = report.tables[-1]
    header = phrase_table[0]
    verdicts = {row[0]: dict(zip(header, row, strict=True)) for row in phrase_table[1:]}
    assert sorted(p for p, row in verdicts.items() if row["verdict"] == "better") == sorted(better)
    first = verdicts[better[0]]
    delta = b.result(better[0]).scores["chrf"] - a.result(better[0]).scores["chrf"]
    assert first["Δ chrF"] == f"{delta:+.1f}"
    assert html.count('class="better"') >= 2 * len(better)
    assert str(tiny_marian.path) in html and str(trained_marian_fi_en) in html
    differences = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert differences["counts"]["better"] == len(better)
    by_id = {p["phrase_id"]: p for p in differences["phrases"]}
    assert by_id[better[0]]["delta_chrf"] == pytest.approx(delta)
    totals = report.tables[1]
    chrf_row = next(row for row in totals if row[:2] == ["fi-en", "chrF"])
    assert float(chrf_row[4]) > 0


def test_bad_input_gives_one_clear_line(tmp_path, trained_marian_fi_en):
    set_path = write_trained_set(tmp_path, en_fi=())
    missing = tmp_path / "no-such-model"
    result = run_cli("phrases", "run", str(set_path), "--mt-model", f"fi-en={missing}")
    assert result.returncode == 2
    assert str(missing) in result.stderr and len(result.stderr.strip().splitlines()) == 1
    not_a_run = tmp_path / "notes.json"
    not_a_run.write_text('{"hello": 1}', encoding="utf-8")
    result = run_cli("phrases", "compare", str(not_a_run), str(not_a_run), "--report", "x.html")
    assert result.returncode == 2 and "not a phrase-run JSON file" in result.stderr
    result = run_cli(
        "phrases", "run", str(set_path), "--mt-model", f"fi-en={trained_marian_fi_en}",
        "--resume", str(tmp_path / "absent.json"),
    )  # fmt: skip
    assert result.returncode == 2 and "absent.json" in result.stderr
    result = run_cli("phrases", "run", str(set_path), "--pair", "fi-sv")
    assert result.returncode == 2 and "No phrase of" in result.stderr
