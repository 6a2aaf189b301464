"""Vocabulary maps: building them from a model's files, the file format, conversion, and
what ``use_vmap`` does to CTranslate2's output on the tiny opus-mt model."""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from cli_helpers import run_cli
from phrase_sets import write_trained_set
from tiny_models import tiny_m2m100, tiny_marian  # noqa: F401  (fixtures)
from trained_marian import trained_marian_fi_en  # noqa: F401  (fixture)

from interpreter.phrases.results import RunResult
from interpreter.translate.backends import (
    CTranslate2Backend,
    TransformersBackend,
    ct2_target_tokens,
)
from interpreter.translate.base import ModelSpec, TranslationError
from interpreter.translate.loader import build_engine
from models.conversion import convert_to_ctranslate2
from models.translation_routes import TranslationCatalog
from models.vmap import (
    VMAP_FILE,
    VocabularyMap,
    build_vocabulary_map,
    has_vocabulary_map,
    model_vocabulary_map,
)

SENTENCES = [
    "Hyvää huomenta, tarvitsen uuden henkilökortin.",
    "Voitteko puhua hitaammin?",
    "Kelan toimisto on toisessa kerroksessa, huone 12.",
    "Missä on lähin terveysasema?",
]
#: Tokens CTranslate2 always allows besides the map's (end, unknown).
SPECIALS = {"</s>", "<unk>"}


def _pieces_by_score(spm: Path) -> list[str]:
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_file=str(spm))
    ordinary = [
        i
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]
    ordinary.sort(key=lambda i: -processor.get_score(i))
    return [processor.id_to_piece(i) for i in ordinary]


def _with_map(spec: ModelSpec, tmp_path: Path, vmap: VocabularyMap | None) -> ModelSpec:
    """A copy of the model's float32 conversion carrying ``vmap`` (or no map)."""
    assert spec.ct2_path is not None
    folder = tmp_path / "ct2"
    shutil.copytree(spec.ct2_path, folder)
    (folder / VMAP_FILE).unlink(missing_ok=True)
    if vmap is not None:
        vmap.write(folder / VMAP_FILE)
    return replace(spec, ct2_path=folder)


def test_map_holds_frequent_pieces_digits_and_copies_of_source_pieces(tiny_marian) -> None:  # noqa: F811
    folder = tiny_marian.path
    vmap = build_vocabulary_map(folder / "source.spm", folder / "target.spm", frequent=20)
    ranked = _pieces_by_score(folder / "target.spm")
    assert set(ranked[:20]) <= set(vmap.always)
    rare = [p for p in ranked[20:] if any(c.isalpha() for c in p)]
    assert rare and not set(rare) & set(vmap.always)
    assert {p for p in ranked if p.strip("▁").isdigit()} <= set(vmap.always)
    # A rare piece may be produced when the source has it (a name copied through).
    for piece in rare:
        assert piece in vmap.rules[piece]
        assert piece in vmap.candidates([piece]) and piece not in vmap.candidates([])
    assert build_vocabulary_map(folder / "source.spm", folder / "target.spm", 0).always != ()


def test_map_file_round_trip_in_ctranslate2_format(tiny_marian, tmp_path) -> None:  # noqa: F811
    vmap = model_vocabulary_map(tiny_marian.path, frequent=30)
    assert vmap is not None
    path = vmap.write(tmp_path / VMAP_FILE)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and all(line.count("\t") == 1 for line in lines[:-1])
    assert lines[0].startswith("\t")  # the always-candidates come first
    assert VocabularyMap.read(path) == vmap


def test_broken_map_files_are_refused(tmp_path) -> None:
    path = tmp_path / VMAP_FILE
    path.write_text("\t▁a ▁b\n▁talo ▁house\n", encoding="utf-8")
    with pytest.raises(TranslationError, match=r"Line 2 of the vocabulary map .*vmap\.txt"):
        VocabularyMap.read(path)
    with pytest.raises(ValueError, match="white space"):
        VocabularyMap(always=("▁a b",)).write(path)
    with pytest.raises(ValueError, match="empty"):
        VocabularyMap(always=("▁a",), rules={"": ("▁b",)}).write(path)


def test_map_needs_both_sentencepiece_models(tiny_marian, tiny_m2m100, tmp_path) -> None:  # noqa: F811
    assert model_vocabulary_map(tiny_m2m100.path) is None  # a shared multilingual vocabulary
    shutil.copytree(tiny_marian.path, tmp_path / "model")
    (tmp_path / "model" / "target.spm").unlink()
    with pytest.raises(TranslationError, match=r"target\.spm is missing"):
        model_vocabulary_map(tmp_path / "model")
    (tmp_path / "model" / "target.spm").write_bytes(b"not a model")
    with pytest.raises(TranslationError, match=r"target\.spm is not a readable"):
        model_vocabulary_map(tmp_path / "model")


def test_conversion_gives_opus_mt_a_map(tiny_marian, tiny_m2m100, tmp_path) -> None:  # noqa: F811
    out = convert_to_ctranslate2(tiny_marian.path, tmp_path / "marian", "int8", frequent_tokens=30)
    assert VocabularyMap.read(out / VMAP_FILE) == model_vocabulary_map(tiny_marian.path, 30)
    plain = convert_to_ctranslate2(
        tiny_marian.path, tmp_path / "plain", "int8", vocabulary_map=False
    )
    assert not has_vocabulary_map(plain)
    assert not has_vocabulary_map(convert_to_ctranslate2(tiny_m2m100.path, tmp_path / "m2m"))


def test_map_restricts_the_generated_tokens(tiny_marian, tmp_path) -> None:  # noqa: F811
    vmap = model_vocabulary_map(tiny_marian.path, frequent=10)
    assert vmap is not None
    spec = _with_map(tiny_marian, tmp_path, vmap)
    mapped = CTranslate2Backend(spec, compute_type="float32")
    full = CTranslate2Backend(spec, compute_type="float32", use_vmap=False)
    assert mapped.use_vmap and not full.use_vmap
    tokenizer = mapped.codec.tokenizer
    # CTranslate2 allows the union of the batch's candidates.
    source = [tokenizer.tokens(ids) for ids in mapped.codec.encode(SENTENCES)]
    allowed = vmap.candidates(token for tokens in source for token in tokens) | SPECIALS
    # Generated ids back to the conversion's target tokens.
    target_tokens = ct2_target_tokens(spec.ct2_path)
    for ids in mapped.generate_ids(SENTENCES):
        assert {target_tokens[i] for i in ids} <= allowed
    outside = {target_tokens[i] for ids in full.generate_ids(SENTENCES) for i in ids}
    outside -= allowed
    assert outside  # the full output layer did choose tokens the map leaves out


def test_map_covering_every_token_changes_nothing(tiny_marian, tmp_path) -> None:  # noqa: F811
    assert tiny_marian.ct2_path is not None
    vocabulary = json.loads((tiny_marian.ct2_path / "shared_vocabulary.json").read_text("utf-8"))
    spec = _with_map(tiny_marian, tmp_path, VocabularyMap(always=tuple(vocabulary)))
    mapped = CTranslate2Backend(spec, compute_type="float32")
    assert mapped.use_vmap
    expected = TransformersBackend(spec).translate_batch(SENTENCES)
    assert mapped.translate_batch(SENTENCES) == expected
    assert (
        CTranslate2Backend(spec, compute_type="float32", use_vmap=False).translate_batch(SENTENCES)
        == expected
    )


def test_conversion_without_map_runs_unrestricted(tiny_marian, tmp_path) -> None:  # noqa: F811
    backend = CTranslate2Backend(_with_map(tiny_marian, tmp_path, None), compute_type="float32")
    assert not backend.use_vmap and backend.search_options()["use_vmap"] is False


def _catalog(vmap: bool) -> TranslationCatalog:
    return TranslationCatalog(
        tomllib.loads(
            "[models.opus-mt-fi-en]\nrepo = 'Helsinki-NLP/opus-mt-fi-en'\nfamily = 'marian'\n"
            f"licence = 'CC-BY-4.0'\nvmap = {str(vmap).lower()}\n"
            "[routes]\nfi-en = [['opus-mt-fi-en']]\n"
        )
    )


def test_catalog_and_settings_turn_the_map_off(tiny_marian, tmp_path) -> None:  # noqa: F811
    assert tiny_marian.ct2_path is not None
    folder = tmp_path / "translation" / "opus-mt-fi-en"
    shutil.copytree(tiny_marian.path, folder)
    shutil.copytree(tiny_marian.ct2_path, folder / "ctranslate2")
    model_vocabulary_map(folder).write(folder / "ctranslate2" / VMAP_FILE)  # type: ignore[union-attr]

    def uses_map(**options) -> bool:
        engine = build_engine("fi", "en", models_dir=tmp_path, **options)
        return engine.steps[0].use_vmap  # type: ignore[attr-defined]

    assert uses_map(catalog=_catalog(vmap=True))
    assert not uses_map(catalog=_catalog(vmap=False))
    assert not uses_map(catalog=_catalog(vmap=True), use_vmap=False)
    local = build_engine("fi", "en", model_folder=folder, use_vmap=False)
    assert not local.steps[0].use_vmap  # type: ignore[attr-defined]
    with pytest.raises(TranslationError, match="vmap must be true or false"):
        TranslationCatalog(
            tomllib.loads(
                "[models.m]\nrepo = 'a/b'\nfamily = 'marian'\nlicence = 'MIT'\nvmap = 'no'\n"
                "[routes]\n"
            )
        )


def test_a_phrase_set_run_shows_what_a_map_costs(tmp_path, trained_marian_fi_en) -> None:  # noqa: F811
    """The check the docs ask for with real weights, on the trained test model: a map of
    only 50 frequent target pieces spoils its translations, and a run with --no-vmap next
    to a run with the map shows it."""
    folder = tmp_path / "fi-en"
    shutil.copytree(trained_marian_fi_en, folder)
    model_vocabulary_map(folder, frequent=50).write(folder / "ctranslate2" / VMAP_FILE)  # type: ignore[union-attr]
    set_path = write_trained_set(tmp_path, fi_en=range(6), en_fi=(), glossary=False)
    runs = {}
    for name, flags in (("map", []), ("full", ["--no-vmap"])):
        runs[name] = tmp_path / f"{name}.json"
        result = run_cli(
            "phrases", "run", str(set_path), "--mt-model", f"fi-en={folder}",
            "--json", str(runs[name]), *flags,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    with_map, full = RunResult.from_json(runs["map"]), RunResult.from_json(runs["full"])
    assert with_map.options["vmap"] and not full.options["vmap"]
    assert with_map.models["translation"]["fi-en"]["vmap"] is True
    assert full.models["translation"]["fi-en"]["vmap"] is False
    knows = [f.phrase_id for f in full.results if f.scores["chrf"] >= 90]
    assert len(knows) >= 5  # the model reproduces its phrases (one has a placeholder)
    drops = {
        m.phrase_id: f.scores["chrf"] - m.scores["chrf"]
        for m, f in zip(with_map.results, full.results, strict=True)
        if m.phrase_id in knows
    }
    assert sum(drop >= 10 for drop in drops.values()) >= 2
    assert sum(drops.values()) / len(drops) >= 5
