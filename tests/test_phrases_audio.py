"""Audio-mode phrase-set run end to end: Festival Finnish (recorded and synthesized on
the fly) through the desk's listening session, Whisper base and the trained model."""

from __future__ import annotations

# ruff: noqa: F811  (pytest fixtures imported from helper modules)
import json

import jiwer
import pytest
from cli_helpers import run_cli
from phrase_sets import parse_report, write_trained_set
from trained_marian import PHRASE_PAIRS, trained_marian_fi_en  # noqa: F401  (fixture)

from interpreter.phrases.results import ASR_STAGE, MT_STAGE, STAGES, TOTAL, RunResult
from interpreter.textnorm import normalise_for_wer

pytestmark = pytest.mark.slow


def test_audio_run_in_real_time_with_recorded_and_synthesized_speech(
    tmp_path, finnish_clips, whisper_base_dir, trained_marian_fi_en
):
    recorded, text = finnish_clips[0]
    assert text == PHRASE_PAIRS[0][0]
    set_path = write_trained_set(
        tmp_path, fi_en=(0, 7), en_fi=(), audio={0: recorded}, glossary=False
    )
    out = tmp_path / "out"
    result = run_cli(
        "phrases", "run", str(set_path), "--audio", "--asr-model", str(whisper_base_dir),
        "--threads", "2", "--mt-model", f"fi-en={trained_marian_fi_en}",
        "--json", str(out / "run.json"), "--report", str(out / "run.html"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    run = RunResult.from_json(out / "run.json")
    assert run.mode == "audio" and run.options["speed"] == 1.0
    assert run.models["asr"]["path"] == str(whisper_base_dir)
    given, spoken = run.results
    assert (given.synthesized, spoken.synthesized) == (False, True)
    assert given.audio == str(recorded.resolve())
    assert spoken.audio.startswith(str(out / "phrase-speech"))  # cached beside the output
    assert any("synthesized with 'text2wave" in note for note in run.notes)
    for r in run.results:
        assert r.error is None and r.detected_lang == "fi"
        assert r.scores["wer"] == pytest.approx(
            jiwer.wer(normalise_for_wer(r.source_text), normalise_for_wer(r.transcript))
        )
        if not r.synthesized:
            # A three-word diphone phrase is no WER probe: Whisper base misses two of
            # its words on one run and none on another. The recording is longer.
            assert r.scores["wer"] < 0.5, r.transcript
        # Real-time replay: every stage measured, in the order speech -> text -> translation.
        assert all(r.latency[stage] is not None for stage in STAGES), r.latency
        assert 0 < r.latency[ASR_STAGE] < r.latency[TOTAL] < 10
        assert r.latency[TOTAL] == pytest.approx(r.latency[ASR_STAGE] + r.latency[MT_STAGE])
    assert max(r.scores["chrf"] for r in run.results) >= 80
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))["summary"]
    assert summary["directions"]["fi-en"]["latency"][TOTAL]["n"] == 2
    assert "WER" in result.stdout and "latency p50" in result.stdout

    report = parse_report(out / "run.html")
    phrase_table = report.tables[-1]
    header = phrase_table[0]
    assert "transcript" in header and "WER" in header
    rows = [dict(zip(header, row, strict=True)) for row in phrase_table[1:]]
    assert [row["transcript"] for row in rows] == [r.transcript for r in run.results]
    assert ["synthesized speech" in row["source"] for row in rows] == [False, True]
    assert str(whisper_base_dir) in "".join(report.text)


def test_as_fast_as_possible_reports_no_latency_and_survives_broken_audio(
    tmp_path, finnish_clips, whisper_base_dir, trained_marian_fi_en
):
    recorded, _ = finnish_clips[0]
    broken = tmp_path / "broken.wav"
    broken.write_text("not audio", encoding="utf-8")
    set_path = write_trained_set(
        tmp_path, fi_en=(7, 0), en_fi=(), audio={0: recorded, 7: broken}, glossary=False
    )
    result = run_cli(
        "phrases", "run", str(set_path), "--audio", "--speed", "0", "--threads", "2",
        "--asr-model", str(whisper_base_dir), "--mt-model", f"fi-en={trained_marian_fi_en}",
        "--json", str(tmp_path / "fast.json"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    run = RunResult.from_json(tmp_path / "fast.json")
    failed, heard = run.results
    assert failed.error and str(broken) in failed.error and "Cannot decode" in failed.error
    assert heard.error is None and heard.transcript
    assert heard.latency == {stage: None for stage in STAGES}
    assert any("latencies are not measured" in note for note in run.notes)
    assert "failed 1" in result.stdout
