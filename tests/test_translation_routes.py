"""The translation catalog: every required language is served in both directions."""

import pytest
from tiny_models import tiny_marian  # noqa: F401  (fixture)

from interpreter.translate.base import TranslationError
from models.translation_routes import TranslationCatalog

REQUIRED = ("sv", "en", "ru", "et", "uk", "ar", "so", "fa", "zh", "tr", "vi", "sq", "es")


@pytest.fixture(scope="module")
def catalog() -> TranslationCatalog:
    return TranslationCatalog.load()


@pytest.mark.parametrize("lang", REQUIRED)
def test_every_language_has_routes_both_ways(catalog, lang):
    for source, target in (("fi", lang), (lang, "fi")):
        routes = catalog.routes(source, target)
        assert routes
        for route in routes:
            assert route.steps[0].source == source and route.steps[-1].target == target
            assert route.licences


def test_route_kinds_and_language_codes(catalog):
    direct = catalog.routes("fi", "en")[0]
    assert direct.kind == "direct" and direct.id == "opus-mt-tc-big-fi-en"
    pivot = catalog.routes("fi", "ar")[0]
    assert pivot.kind == "pivot"
    assert [(s.source, s.target) for s in pivot.steps] == [("fi", "en"), ("en", "ar")]
    assert pivot.steps[1].target_prefix == ">>ara<<"
    m2m = catalog.routes("fi", "so")[0]
    assert m2m.kind == "multilingual" and (m2m.steps[0].source_code, m2m.steps[0].target_code) == (
        "fi",
        "so",
    )
    nllb = catalog.routes("fi", "so")[1]
    assert (nllb.steps[0].source_code, nllb.steps[0].target_code) == ("fin_Latn", "som_Latn")


def test_non_commercial_licences_are_marked(catalog):
    nllb = [r for r in catalog.routes("fi", "fa") if r.id.startswith("nllb")]
    assert nllb and nllb[0].non_commercial and nllb[0].licences == ("CC-BY-NC-4.0",)
    assert not catalog.routes("fi", "en")[0].non_commercial


def test_unsupported_pair_is_a_clear_error(catalog):
    with pytest.raises(TranslationError, match="No translation route for fi-xx"):
        catalog.routes("fi", "xx")
    with pytest.raises(TranslationError, match="en-sv"):
        catalog.routes("en", "sv")


def test_broken_catalog_file_is_named(tmp_path):
    bad = tmp_path / "catalog.toml"
    bad.write_text("[models.x]\nrepo = 'a/b'\n")
    with pytest.raises(TranslationError, match=r"catalog\.toml"):
        TranslationCatalog.load(bad)


def test_damaged_installed_model_is_refused_with_the_fix(tmp_path, tiny_marian):  # noqa: F811
    import shutil

    from interpreter.translate.loader import build_engine
    from models.store import write_manifest

    folder = tmp_path / "translation" / "opus-mt-fi-en"
    shutil.copytree(tiny_marian.path, folder)
    write_manifest(folder, "opus-mt-fi-en", "translation", "hub", "Helsinki-NLP/opus-mt-fi-en")
    engine = build_engine("fi", "en", models_dir=tmp_path, prefer="transformers")
    assert engine.route_id == "opus-mt-fi-en"
    weights = next(folder.glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:-10])  # truncated, as by a full disk
    with pytest.raises(TranslationError, match=r"opus-mt-fi-en .* is damaged .*models remove"):
        build_engine("fi", "en", models_dir=tmp_path, prefer="transformers")
