"""Translation backends on tiny random-weight models of the real architectures.

The key property: for the same model, greedy search in transformers (fp32) and in a float32
CTranslate2 conversion gives the same token ids, text and token counts.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from tiny_models import (  # noqa: F401
    MAX_TOKENS,
    int8_variant,
    tiny_m2m100,
    tiny_marian,
    tiny_nllb,
)

from interpreter.translate.backends import (
    CTranslate2Backend,
    TargetIds,
    TransformersBackend,
    ct2_target_tokens,
    load_backend,
)
from interpreter.translate.base import ModelSpec, TranslationError
from models.conversion import convert_to_ctranslate2

FAMILIES = ("marian", "m2m100", "nllb")
SEGMENTS = [
    "Hyvää huomenta, tarvitsen uuden henkilökortin.",
    "",
    "Passin hakeminen maksaa viisikymmentä euroa. " * 250,  # over 10,000 characters
    "Kelan toimisto: مرحبا Здравствуйте 你好 Subax wanaagsan!",
    "مرحبا، كيف يمكنني مساعدتك؟",
    "Voitteko puhua hitaammin?",
]


@pytest.fixture(scope="module", params=FAMILIES)
def spec(request: pytest.FixtureRequest) -> ModelSpec:
    """Each tiny model in turn."""
    return request.getfixturevalue(f"tiny_{request.param}")


@pytest.fixture(scope="module")
def backends(spec: ModelSpec) -> tuple[TransformersBackend, CTranslate2Backend]:
    """The model loaded in transformers and in its float32 CTranslate2 conversion (without
    a vocabulary map, which may change the output: see test_translate_vmap.py)."""
    ct2 = CTranslate2Backend(spec, device="cpu", compute_type="float32", use_vmap=False)
    return TransformersBackend(spec), ct2


def _first_ids(tokens: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for index, token in enumerate(tokens):
        ids.setdefault(token, index)
    return ids


def test_target_ids_are_the_conversions_first_ids_whatever_the_shared_table_says() -> None:
    tokens = ["<pad>", "a", "b", "a", "c", "d", "b"]
    known = {"<pad>": 0, "a": 3, "b": 2, "c": 9, "d": -2, "e": 5, "f": 1}
    ids = TargetIds(tokens, known)
    assert {token: ids.get(token, -1) for token in tokens} == _first_ids(tokens)
    assert ids.get("nowhere", 42) == 42


def test_target_ids_keep_only_what_the_shared_table_gets_wrong() -> None:
    tokens = [f"piece{i}" for i in range(1000)] + ["__fi__", "madeupword0"]
    ids = TargetIds(tokens, {token: index for index, token in enumerate(tokens[:1000])})
    assert ids._own == {"__fi__": 1000, "madeupword0": 1001}


def test_backend_target_ids_match_the_conversions_vocabulary(spec: ModelSpec) -> None:
    """Every family: the ids reported for CTranslate2's tokens are the conversion's own,
    while the tokenizer's table is shared (M2M100's language tokens and NLLB's whole
    vocabulary are the backend's own)."""
    backend = CTranslate2Backend(spec, device="cpu", compute_type="float32", use_vmap=False)
    assert spec.ct2_path is not None
    tokens = ct2_target_tokens(spec.ct2_path)
    expected = _first_ids(tokens)
    target_ids = backend._token_ids
    assert {token: target_ids.get(token, -1) for token in tokens} == expected
    assert len(target_ids._own) < len(expected) or spec.family == "nllb"


def _copy_model(spec: ModelSpec, tmp_path: Path) -> ModelSpec:
    """A private copy of the model (and its float32 conversion) that a test may damage."""
    assert spec.ct2_path is not None
    shutil.copytree(spec.path, tmp_path / "model")
    shutil.copytree(spec.ct2_path, tmp_path / "ct2")
    return replace(spec, path=tmp_path / "model", ct2_path=tmp_path / "ct2")


def test_backends_give_identical_greedy_output(backends) -> None:
    torch_backend, ct2_backend = backends
    assert torch_backend.name == "transformers" and ct2_backend.name == "ctranslate2"
    expected = torch_backend.translate_batch(SEGMENTS)
    assert ct2_backend.translate_batch(SEGMENTS) == expected
    assert len(expected) == len(SEGMENTS)
    assert all(out.text and out.tokens_out > 0 for i, out in enumerate(expected) if i != 1)
    non_empty = [s for s in SEGMENTS if s]
    assert ct2_backend.generate_ids(non_empty) == torch_backend.generate_ids(non_empty)


def test_single_segments_match_too(backends) -> None:
    torch_backend, ct2_backend = backends
    for segment in SEGMENTS[3:]:
        assert ct2_backend.translate_batch([segment]) == torch_backend.translate_batch([segment])


def test_threads_reach_ctranslate2(tiny_marian, monkeypatch) -> None:  # noqa: F811
    import ctranslate2

    made: list[dict] = []
    real = ctranslate2.Translator

    def recording(*args, **kwargs):
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", recording)
    backend = CTranslate2Backend(tiny_marian, compute_type="float32", threads=1, inter_threads=2)
    assert made[-1]["intra_threads"] == 1 and made[-1]["inter_threads"] == 2
    assert backend.translator.num_translators == 2
    load_backend(tiny_marian, threads=2, inter_threads=1)
    assert made[-1]["intra_threads"] == 2 and made[-1]["inter_threads"] == 1
    # No number asked for: CTranslate2's 4 threads, but never more than the CPUs.
    for cpus, expected in ((2, 2), (16, 4)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cpus: set(range(n)))
        CTranslate2Backend(tiny_marian, compute_type="float32")
        assert made[-1]["intra_threads"] == expected


def test_batches_sorted_by_length_in_chunks_keep_order_and_output(backends) -> None:
    _, ct2_backend = backends
    segments = [s for s in SEGMENTS if s]
    whole = ct2_backend.translate_batch(segments)
    chunked = CTranslate2Backend(
        ct2_backend.spec, compute_type="float32", use_vmap=False, max_batch_size=2
    )
    assert chunked.search_options()["max_batch_size"] == 2
    assert chunked.translate_batch(segments) == whole


def test_empty_input_gives_empty_output(backends) -> None:
    for backend in backends:
        outputs = backend.translate_batch(["", "   ", "\n"])
        assert [(o.text, o.tokens_out) for o in outputs] == [("", 0)] * 3
        assert backend.translate_batch([]) == []


def test_overlong_input_is_truncated_and_output_bounded(backends) -> None:
    long_text = SEGMENTS[2]
    assert len(long_text) > 10_000
    for backend in backends:
        (ids,) = backend.codec.encode([long_text])
        assert len(ids) == MAX_TOKENS
        (generated,) = backend.generate_ids([long_text])
        assert 0 < len(generated) <= MAX_TOKENS - 1
        (out,) = backend.translate_batch([long_text])
        assert 0 < out.tokens_out <= MAX_TOKENS - 1


def test_output_bound_follows_input_length(backends) -> None:
    torch_backend, _ = backends
    codec = torch_backend.codec
    (ids,) = codec.encode(["Voitteko puhua hitaammin?"])
    bound = int(2.0 * len(ids)) + 10
    for backend in backends:
        (generated,) = backend.generate_ids(["Voitteko puhua hitaammin?"])
        assert len(generated) <= bound


@pytest.mark.parametrize(
    ("fixture", "source", "target"),
    [("tiny_m2m100", "__fi__", "__en__"), ("tiny_nllb", "fin_Latn", "eng_Latn")],
)
def test_target_language_token_is_forced(request, fixture, source, target) -> None:
    spec = request.getfixturevalue(fixture)
    for backend in (TransformersBackend(spec), CTranslate2Backend(spec, compute_type="float32")):
        tokenizer = backend.codec.tokenizer
        (source_ids,) = backend.codec.encode(["Hyvää huomenta"])
        assert tokenizer.tokens(source_ids)[0] == source
        assert source_ids[-1] == tokenizer.eos_id
        (generated,) = backend.generate_ids(["Hyvää huomenta"])
        assert tokenizer.tokens(generated)[0] == target
        (out,) = backend.translate_batch(["Hyvää huomenta"])
        assert target not in out.text
        assert 0 < out.tokens_out <= len(generated) - 1


def test_other_target_language_changes_forced_token(tiny_nllb) -> None:  # noqa: F811
    spec = replace(tiny_nllb, target_code="est_Latn")
    backend = CTranslate2Backend(spec, compute_type="float32")
    (generated,) = backend.generate_ids(["Hyvää huomenta"])
    assert backend.codec.tokenizer.tokens(generated[:1]) == ["est_Latn"]
    assert TransformersBackend(spec).generate_ids(["Hyvää huomenta"]) == [generated]


def test_opus_mt_target_prefix_is_applied(tiny_marian) -> None:  # noqa: F811
    for backend in (TransformersBackend(tiny_marian), CTranslate2Backend(tiny_marian)):
        tokenizer = backend.codec.tokenizer
        (ids,) = backend.codec.encode(["Hyvää huomenta"])
        assert tokenizer.tokens(ids)[0] == ">>est<<"
        assert ids[-1] == tokenizer.eos_id
    plain = TransformersBackend(replace(tiny_marian, target_prefix="")).codec
    (ids,) = plain.encode(["Hyvää huomenta"])
    assert ">>est<<" not in plain.tokenizer.tokens(ids)


def test_unknown_language_codes_are_clear_errors(tiny_marian, tiny_m2m100) -> None:  # noqa: F811
    with pytest.raises(TranslationError, match=">>xyz<<"):
        TransformersBackend(replace(tiny_marian, target_prefix=">>xyz<<"))
    with pytest.raises(TranslationError, match="__xx__"):
        CTranslate2Backend(replace(tiny_m2m100, target_code="xx"))
    with pytest.raises(TranslationError, match="language codes"):
        TransformersBackend(replace(tiny_m2m100, source_code=""))


@pytest.mark.parametrize("fixture", ["tiny_marian", "tiny_m2m100", "tiny_nllb"])
def test_int8_conversion_loads_and_runs(request, fixture) -> None:
    spec = int8_variant(request.getfixturevalue(fixture))
    backend = CTranslate2Backend(spec, device="cpu")  # default compute type on CPU: int8
    assert backend.compute_type == "int8"
    outputs = backend.translate_batch(SEGMENTS)
    assert outputs[1].text == "" and outputs[1].tokens_out == 0
    assert all(0 < o.tokens_out <= MAX_TOKENS - 1 for i, o in enumerate(outputs) if i != 1)


@pytest.mark.parametrize(
    ("fixture", "removed", "named"),
    [
        ("tiny_marian", ["source.spm"], "source.spm"),
        ("tiny_marian", ["vocab.json"], "vocab.json"),
        ("tiny_m2m100", ["sentencepiece.bpe.model"], "sentencepiece.bpe.model"),
        ("tiny_nllb", ["tokenizer.json", "sentencepiece.bpe.model"], "tokenizer.json"),
    ],
)
def test_missing_tokenizer_file_is_named(request, tmp_path, fixture, removed, named) -> None:
    spec = _copy_model(request.getfixturevalue(fixture), tmp_path)
    for name in removed:
        (spec.path / name).unlink()
    for make in (TransformersBackend, CTranslate2Backend, load_backend):
        with pytest.raises(TranslationError, match=named) as caught:
            make(spec)
        assert str(spec.path) in str(caught.value)
        assert "Download" in str(caught.value)


def test_missing_model_folder(tmp_path) -> None:
    spec = ModelSpec(path=tmp_path / "nowhere", family="marian", ct2_path=tmp_path / "ct2")
    for make in (TransformersBackend, CTranslate2Backend, load_backend):
        with pytest.raises(TranslationError, match="does not exist"):
            make(spec)


def test_unknown_family(tiny_marian) -> None:  # noqa: F811
    with pytest.raises(TranslationError, match="Unknown translation model family 'gpt'"):
        TransformersBackend(replace(tiny_marian, family="gpt"))


def test_corrupt_model_files(tiny_marian, tmp_path) -> None:  # noqa: F811
    spec = _copy_model(tiny_marian, tmp_path)
    (spec.path / "model.safetensors").write_bytes(b"not a model")
    with pytest.raises(TranslationError, match="damaged"):
        TransformersBackend(spec)
    assert spec.ct2_path is not None
    (spec.ct2_path / "model.bin").write_bytes(b"not a model")
    with pytest.raises(TranslationError, match="damaged"):
        CTranslate2Backend(spec)


def test_ctranslate2_backend_needs_a_conversion(tiny_marian, tmp_path) -> None:  # noqa: F811
    with pytest.raises(TranslationError, match="Convert the model first"):
        CTranslate2Backend(replace(tiny_marian, ct2_path=tmp_path / "missing"))


def test_conversion_refuses_existing_folder_without_force(tiny_marian, tmp_path) -> None:  # noqa: F811
    out = tmp_path / "converted"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(TranslationError, match="already exists"):
        convert_to_ctranslate2(tiny_marian.path, out)
    assert (out / "keep.txt").read_text() == "mine"
    assert convert_to_ctranslate2(tiny_marian.path, out, "float32", force=True) == out
    assert (out / "model.bin").is_file() and not (out / "keep.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["converted"]
    converted = CTranslate2Backend(
        replace(tiny_marian, ct2_path=out), compute_type="float32", use_vmap=False
    )
    reference = TransformersBackend(tiny_marian)
    assert converted.translate_batch(SEGMENTS[:1]) == reference.translate_batch(SEGMENTS[:1])


def test_failed_conversion_leaves_nothing(tiny_marian, tmp_path) -> None:  # noqa: F811
    with pytest.raises(TranslationError, match="failed"):
        convert_to_ctranslate2(tiny_marian.path, tmp_path / "out", quantization="bogus")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(TranslationError, match=r"config\.json"):
        convert_to_ctranslate2(tmp_path / "nothing", tmp_path / "out")


def test_load_backend_prefers_ctranslate2_when_converted(tiny_marian, tmp_path) -> None:  # noqa: F811
    chosen = load_backend(tiny_marian, compute_type="float32", beam_size=1)
    assert isinstance(chosen, CTranslate2Backend) and chosen.compute_type == "float32"
    as_torch = load_backend(tiny_marian, prefer="transformers", compute_type="float32")
    assert isinstance(as_torch, TransformersBackend)
    for ct2_path in (None, tmp_path / "not-converted"):
        fallback = load_backend(replace(tiny_marian, ct2_path=ct2_path))
        assert isinstance(fallback, TransformersBackend)
    with pytest.raises(TranslationError, match="Unknown translation backend"):
        load_backend(tiny_marian, prefer="onnx")


def test_stop_ends_greedy_decoding_within_a_token_and_nothing_is_cached(backends) -> None:
    from interpreter.translate.base import TranslationCancelled
    from interpreter.translate.engine import TranslationEngine

    _, ct2_backend = backends
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) >= 2

    sentence = "Hyvää päivää, miten voin auttaa teitä tänään?"
    full = ct2_backend.generate_ids([sentence])[0]
    assert len(full) > 4  # random weights run long: stopping early shows
    partial = ct2_backend.generate_ids([sentence], stop)[0]
    assert len(asked) == 2 and len(partial) < len(full)

    engine = TranslationEngine("fi", "en", "tiny", [ct2_backend])
    with pytest.raises(TranslationCancelled):
        engine.translate(sentence, stop=lambda: True)
    # Nothing of the given-up run was kept: the next translation is the whole one.
    whole = engine.translate(sentence)
    assert whole.tokens_out == ct2_backend.translate_batch([sentence])[0].tokens_out
    again = engine.translate(sentence, stop=lambda: False)
    assert (again.translation, again.tokens_out) == (whole.translation, whole.tokens_out)
