"""The model catalog, hardware defaults, pair plans, ``models list`` and pinning."""

from __future__ import annotations

import io
import threading
from argparse import Namespace
from pathlib import Path

import pytest
from hub_server import LocalHub, use_local_hub
from tiny_models import tiny_marian  # noqa: F401  (fixture)

from models.catalog import Hardware, ModelCatalog
from models.commands import run_models
from models.install import InstallCancelled
from models.pinning import pinned_text
from models.plan import install_item, item_for_name, plan_for_pair
from models.store import ModelStore, read_manifest, write_manifest
from models.whisper import ModelError

SMALL_DESK = Hardware(cpu_cores=2)
BIG_DESK = Hardware(cpu_cores=16)
GPU_DESK = Hardware(cpu_cores=8, cuda_devices=1)


@pytest.fixture(scope="module")
def catalog() -> ModelCatalog:
    return ModelCatalog.load()


def fake_installed(store: ModelStore, kind: str, model_id: str) -> Path:
    folder = store.folder_for(kind, model_id)
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    write_manifest(folder, model_id, kind, "hub", f"owner/{model_id}", "c" * 40)
    return folder


def test_catalog_lists_whisper_sizes_with_licences_sizes_and_sources(catalog: ModelCatalog):
    assert {"tiny", "base", "small", "medium", "large-v3", "large-v3-turbo"} <= set(catalog.whisper)
    finnish = [m for m in catalog.whisper.values() if m.languages == ("fi",)]
    assert finnish and all(m.quality for m in finnish)
    everything = [*catalog.whisper.values(), *catalog.translation.models.values()]
    for model in everything:
        assert model.repo.count("/") == 1 and model.licence and model.size_mb > 0, model
        assert all(f.source.startswith("https://") and f.dataset for f in model.quality)
    nllb = catalog.translation.models["nllb-200-distilled-600m"]
    assert nllb.non_commercial and "NC" in nllb.licence
    assert catalog.files_for("whisper") and catalog.files_for("translation", "marian")


def test_hardware_defaults(catalog: ModelCatalog):
    assert catalog.defaults_for(SMALL_DESK).whisper == "base"
    assert catalog.defaults_for(Hardware(cpu_cores=4)).whisper == "base"
    # Small costs 3.2x base per decode: below 10 cores it cannot stay under half of real
    # time at the streaming cadence (docs/benchmarks.md, "Whisper model ladder").
    assert catalog.defaults_for(Hardware(cpu_cores=8)).whisper == "base"
    assert catalog.defaults_for(Hardware(cpu_cores=10)).whisper == "small"
    assert catalog.defaults_for(BIG_DESK).whisper == "small"
    assert catalog.defaults_for(GPU_DESK).whisper == "large-v3-turbo"
    detected = Hardware.detect()
    assert detected.cpu_cores >= 1 and "CPU cores" in detected.describe()


def test_plan_prefers_small_models_on_a_small_cpu_and_big_ones_on_a_gpu(
    catalog: ModelCatalog, tmp_path: Path
):
    store = ModelStore(tmp_path / "models")
    small = plan_for_pair("fi-ar", store, SMALL_DESK, catalog, whisper="small")
    names = [item.name for item in small.items if not item.optional]
    assert names == [
        "whisper-small",
        "opus-mt-fi-en",
        "opus-mt-en-ar",
        "opus-mt-ar-en",
        "opus-mt-en-fi",
    ]
    # Neural voices are offered for both languages but never needed.
    assert [i.name for i in small.items if i.optional] == ["voice-fi", "voice-ar"]
    assert not small.ready and small.download_mb == sum(i.size_mb for i in small.missing)
    assert small.items[1].purpose == "fi→en→ar (step 1)"
    gpu = plan_for_pair("ar-fi", store, GPU_DESK, catalog)
    assert gpu.pair == "fi-ar" and "opus-mt-tc-big-fi-en" in [i.name for i in gpu.items]
    assert gpu.items[0].name == "whisper-large-v3-turbo"


def test_plan_uses_what_is_installed(catalog: ModelCatalog, tmp_path: Path):
    store = ModelStore(tmp_path / "models")
    fake_installed(store, "translation", "m2m100-418m")
    fake_installed(store, "whisper", "small")
    plan = plan_for_pair("fi-ru", store, SMALL_DESK, catalog)
    assert [(i.name, i.installed) for i in plan.items] == [
        ("whisper-small", True),
        ("m2m100-418m", True),
        ("voice-fi", False),
        ("voice-ru", False),
    ]
    assert plan.ready and plan.missing == []
    assert plan.items[1].purpose == "fi→ru; ru→fi"
    nc = plan_for_pair("fi-so", ModelStore(tmp_path / "other"), SMALL_DESK, catalog)
    assert not nc.non_commercial  # M2M100 first; NLLB only when chosen
    with pytest.raises(ModelError, match="not a language pair"):
        plan_for_pair("en-ar", store, SMALL_DESK, catalog)


def test_item_for_name(catalog: ModelCatalog, tmp_path: Path):
    store = ModelStore(tmp_path)
    assert item_for_name("whisper-large-finnish-v3", store, catalog).licence == "Apache-2.0"
    assert item_for_name("whisper-large-v2", store, catalog).repo.endswith("large-v2")
    assert item_for_name("opus-mt-en-fi", store, catalog).family == "marian"
    with pytest.raises(ModelError, match="Unknown model or pair 'whisper-huge'"):
        item_for_name("whisper-huge", store, catalog)


def run_list(store: ModelStore, pair: str | None = None) -> str:
    out = io.StringIO()
    args = Namespace(models_command="list", pair=pair, installed=False)
    assert run_models(args, out, store) == 0
    return out.getvalue()


def test_models_list_shows_the_catalog_against_the_store(tmp_path: Path):
    store = ModelStore(tmp_path / "models")
    fake_installed(store, "translation", "opus-mt-fi-en")
    listed = run_list(store)
    assert "This machine:" in listed and "Recommended:" in listed
    assert "whisper-large-finnish-v3" in listed and "WER 8.21" in listed
    line = next(x for x in listed.splitlines() if x.strip().startswith("opus-mt-fi-en"))
    assert "installed" in line and "owner/opus-mt-fi-en@cccccccccccc" in line
    line = next(x for x in listed.splitlines() if "nllb-200" in x)
    assert "non-commercial" in line and "not installed" in line
    pair = run_list(store, pair="fi-en")
    assert "opus-mt-en-fi" in pair and "MISSING" in pair
    assert "interpreter models install fi-en" in pair


def test_pinned_catalog_text_sets_every_revision(catalog: ModelCatalog):
    text = (Path(__file__).parents[1] / "models" / "catalog.toml").read_text("utf-8")
    pins = [("whisper", "base", "Systran/faster-whisper-base", "a" * 40)]
    pins += [("models", "opus-mt-fi-en", "Helsinki-NLP/opus-mt-fi-en", "b" * 40)]
    pinned = pinned_text(text, pins)
    again = pinned_text(pinned, [("models", "opus-mt-fi-en", "x/y", "d" * 40)])
    data = ModelCatalog.from_data(__import__("tomllib").loads(again))
    assert data.whisper["base"].revision == "a" * 40
    assert data.translation.models["opus-mt-fi-en"].revision == "d" * 40
    assert data.translation.models["opus-mt-en-fi"].revision == "main"
    with pytest.raises(ModelError, match=r"no \[models.nope\] table"):
        pinned_text(text, [("models", "nope", "x/y", "e" * 40)])


@pytest.fixture
def hub(tmp_path: Path, monkeypatch, tiny_marian):  # noqa: F811
    with LocalHub(tmp_path / "hub", lfs_threshold=1024) as hub:
        hub.main_sha = hub.add_repo("Helsinki-NLP/opus-mt-fi-en", tiny_marian.path)
        use_local_hub(monkeypatch, hub.endpoint)
        yield hub


def test_pin_then_install_fetches_the_pinned_commit(hub, tmp_path, monkeypatch, tiny_marian):  # noqa: F811
    small = tmp_path / "catalog.toml"
    small.write_text(
        '[defaults.cpu]\nmax_cores = 64\nwhisper = "base"\n'
        '[whisper.base]\nrepo = "Systran/faster-whisper-base"\nlicence = "MIT"\n'
        "size_mb = 145\n"
        '[models.opus-mt-fi-en]\nrepo = "Helsinki-NLP/opus-mt-fi-en"\nfamily = "marian"\n'
        'licence = "CC-BY-4.0"\nsize_mb = 1\n'
        '[files]\nmarian = ["*.json", "*.spm", "*.safetensors"]\n'
        '[routes]\nfi-en = [["opus-mt-fi-en"]]\n',
        "utf-8",
    )
    hub.add_repo("Systran/faster-whisper-base", tiny_marian.path)
    monkeypatch.setenv("INTERPRETER_CATALOG", str(small))
    pinned_file = tmp_path / "pinned.toml"
    out = io.StringIO()
    args = Namespace(models_command="pin", write=pinned_file)
    assert run_models(args, out, ModelStore(tmp_path / "unused")) == 0
    assert hub.main_sha in out.getvalue()
    changed = tmp_path / "changed"
    __import__("shutil").copytree(tiny_marian.path, changed)
    (changed / "extra.json").write_text("{}")
    assert hub.add_repo("Helsinki-NLP/opus-mt-fi-en", changed) != hub.main_sha  # main moves

    monkeypatch.setenv("INTERPRETER_CATALOG", str(pinned_file))
    catalog = ModelCatalog.load()
    store = ModelStore(tmp_path / "models")
    item = item_for_name("opus-mt-fi-en", store, catalog)
    model = install_item(store, item, catalog)
    assert read_manifest(model.folder).revision == hub.main_sha
    assert not (model.folder / "extra.json").exists()
    assert not (model.folder / "README.md").exists()  # only the catalog's file patterns


def test_cancel_stops_the_install_and_a_later_one_resumes(hub, tmp_path: Path):
    catalog = ModelCatalog.load()
    store = ModelStore(tmp_path / "models")
    item = item_for_name("opus-mt-fi-en", store, catalog)
    cancel = threading.Event()
    files: list[str] = []

    def on_progress(progress):
        if progress.stage == "download" and progress.detail:
            if progress.detail not in files:
                files.append(progress.detail)
            if len(files) > 1:  # the first file is complete: cancel during the second
                cancel.set()

    with pytest.raises(InstallCancelled, match="cancelled"):
        install_item(store, item, catalog, on_progress, cancel)
    assert not store.folder_for("translation", "opus-mt-fi-en").exists()
    assert store.installed() == []
    requests_before = len(hub.request_log)
    model = install_item(store, item, catalog)
    assert model.manifest.revision == hub.main_sha
    fetched_again = [
        path
        for method, path, _ in hub.request_log[requests_before:]
        if method == "GET" and "/resolve/" in path
    ]
    assert fetched_again and not any(path.endswith("/" + files[0]) for path in fetched_again)
