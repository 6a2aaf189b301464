"""The model ladder (benchmarks/): the streaming cost model's arithmetic and the widened
Whisper vocabulary of large-v3-turbo. Nothing is timed here."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

_BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str) -> Iterator[ModuleType]:
    # benchmarks/ is not a package: load the module from its file. Dataclasses look their
    # module up in sys.modules, so it is registered while the tests use it.
    spec = importlib.util.spec_from_file_location(name, _BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def cost() -> Iterator[ModuleType]:
    yield from _load("ladder_cost")


@pytest.fixture(scope="module")
def ladder_models() -> Iterator[ModuleType]:
    yield from _load("ladder_models")


def test_decoder_line_separates_setup_from_per_token_cost(cost):
    # 8 tokens in 0.30 s and 32 in 0.90 s: 25 ms a token on top of 0.10 s of setup.
    setup, per_token = cost.decoder_line(8, 0.30, 32, 0.90)
    assert per_token == pytest.approx(0.025)
    assert setup == pytest.approx(0.10)


def test_decoder_line_never_goes_negative_on_noisy_figures(cost):
    # The long decode measured faster than the short one (a noisy machine).
    setup, per_token = cost.decoder_line(8, 0.50, 32, 0.40)
    assert per_token == 0.0
    assert setup == pytest.approx(0.50)
    with pytest.raises(ValueError):
        cost.decoder_line(32, 0.9, 8, 0.3)


def test_streaming_rtf_is_decodes_per_second_times_decode_cost(cost):
    load = cost.StreamingLoad(decodes_per_second=1.5, tokens_per_decode=20, window_seconds=10)
    timing = cost.ModelTiming(
        encoder_seconds=0.2, decoder_setup_seconds=0.05, decoder_token_seconds=0.01
    )
    assert cost.seconds_per_decode(load, timing) == pytest.approx(0.2 + 0.05 + 20 * 0.01)
    assert cost.streaming_rtf(load, timing) == pytest.approx(1.5 * 0.45)


def test_documented_load_is_the_base_streaming_run(cost):
    load = cost.StreamingLoad()
    assert load.decodes_per_second == pytest.approx(113 / 88.1)
    assert load.window_seconds == 10.0
    assert load.base_rtf == 0.68


def test_relative_rtf_scales_the_measured_base_by_the_cost_ratio(cost):
    load = cost.StreamingLoad(tokens_per_decode=10, base_rtf=0.6)
    base = cost.ModelTiming(0.2, 0.0, 0.01)  # 0.3 s per decode
    bigger = cost.ModelTiming(0.6, 0.1, 0.02)  # 0.9 s per decode: three times base
    assert cost.relative_rtf(load, bigger, base) == pytest.approx(1.8)
    assert cost.relative_rtf(load, base, base) == pytest.approx(0.6)
    # Twice as fast on more threads: half the real-time factor.
    assert cost.relative_rtf(load, bigger, base, thread_speedup=2.0) == pytest.approx(0.9)


def test_least_rtf_is_perfect_scaling(cost):
    assert cost.least_rtf(2.0, 4) == pytest.approx(0.5)
    assert cost.least_rtf(0.7, 1) == pytest.approx(0.7)


def test_amdahl_estimate_follows_the_measured_speed_up(cost):
    # 1.0 s on one thread, 0.6 s on two: 80 % parallel, so 0.2 + 0.8 / 4 on four.
    assert cost.amdahl_seconds(1.0, 0.6, 4) == pytest.approx(0.4)
    assert cost.amdahl_seconds(1.0, 0.6, 2) == pytest.approx(0.6)
    # Perfect scaling halves again; a slowdown on two threads is treated as serial.
    assert cost.amdahl_seconds(1.0, 0.5, 8) == pytest.approx(0.125)
    assert cost.amdahl_seconds(1.0, 1.2, 8) == pytest.approx(1.0)


def test_threads_per_decode_and_headroom(cost):
    assert [cost.threads_per_decode(c) for c in (1, 2, 4, 8)] == [1, 1, 2, 4]
    assert cost.keeps_up(0.5) and not cost.keeps_up(0.51)


def _token_ids(folder: Path) -> dict[str, int]:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    names = ("<|en|>", "<|su|>", "<|yue|>", "<|translate|>", "<|transcribe|>", "<|notimestamps|>")
    return {name: tokenizer.token_to_id(name) for name in names}


def test_large_v3_vocabulary_gets_its_language_token_where_large_v3_has_it(ladder_models, tmp_path):
    base_dir, turbo_dir = tmp_path / "base", tmp_path / "turbo"
    base_dir.mkdir()
    turbo_dir.mkdir()
    base = ladder_models.write_tokenizer(ladder_models.SIZES["base"], base_dir)
    turbo = ladder_models.write_tokenizer(ladder_models.SIZES["large-v3-turbo"], turbo_dir)

    # Base's vocabulary is copied as it is; large-v3's has <|yue|> after <|su|> and every
    # task token one further on, as in openai/whisper-large-v3.
    assert _token_ids(base_dir) == {
        "<|en|>": 50259,
        "<|su|>": 50357,
        "<|yue|>": None,
        "<|translate|>": 50358,
        "<|transcribe|>": 50359,
        "<|notimestamps|>": 50363,
    }
    assert _token_ids(turbo_dir) == {
        "<|en|>": 50259,
        "<|su|>": 50357,
        "<|yue|>": 50358,
        "<|translate|>": 50359,
        "<|transcribe|>": 50360,
        "<|notimestamps|>": 50364,
    }
    assert len(base["lang_ids"]) == 99 and len(turbo["lang_ids"]) == 100
    assert 50358 in turbo["lang_ids"] and 50358 not in base["lang_ids"]
    # The suppressed task tokens move with them; ordinary tokens stay.
    assert turbo["suppress_ids"][-5:] == [50359, 50360, 50361, 50362, 50363]
    assert turbo["suppress_ids"][:5] == base["suppress_ids"][:5]
    template = json.loads((turbo_dir / "tokenizer.json").read_text("utf-8"))
    start = template["post_processor"]["special_tokens"]["<|notimestamps|>"]["ids"]
    assert start == [50364]
