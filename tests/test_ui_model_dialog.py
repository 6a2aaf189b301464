"""The model dialog: the pair's plan, installing from a local hub stand-in with progress and
cancel, and importing an exported archive, all through the real model-management code."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_server import LocalHub, use_local_hub
from tiny_models import tiny_marian  # noqa: F401  (fixture)

from models.archive import export_models
from models.catalog import Hardware, ModelCatalog
from models.store import ModelStore

pytest.importorskip("pytestqt")

from ui.model_dialog import ModelDialog

DESK = Hardware(cpu_cores=2)


@pytest.fixture
def hub(tmp_path: Path, monkeypatch, tiny_marian):  # noqa: F811
    with LocalHub(tmp_path / "hub", lfs_threshold=1024) as hub:
        for repo in ("Helsinki-NLP/opus-mt-fi-en", "Helsinki-NLP/opus-mt-en-fi"):
            hub.add_repo(repo, tiny_marian.path)
        use_local_hub(monkeypatch, hub.endpoint)
        yield hub


def open_dialog(qtbot, store: ModelStore, pair: str = "fi-en") -> ModelDialog:
    dialog = ModelDialog(pair, store, hardware=DESK, catalog=ModelCatalog.load())
    qtbot.addWidget(dialog)
    # The dialog asks for its plan as it opens; wait for it to be shown.
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10000)
    return dialog


def states(dialog: ModelDialog) -> dict[str, str]:
    return {
        dialog.table.item(row, 0).text(): dialog.table.item(row, 4).text()
        for row in range(dialog.table.rowCount())
    }


def test_dialog_shows_what_the_pair_needs(qtbot, tmp_path: Path):
    dialog = open_dialog(qtbot, ModelStore(tmp_path / "models"), "fi-so")
    table = states(dialog)
    assert table["m2m100-418m"] == "missing" and "whisper-base" in table
    assert dialog.install_button.isEnabled() and "2 CPU cores" in dialog.summary.text()
    assert "MB to download" in dialog.summary.text()
    dialog.close()


def test_install_with_progress_then_ready(qtbot, hub, tmp_path: Path):
    store = ModelStore(tmp_path / "models")
    dialog = open_dialog(qtbot, store)
    seen = []
    dialog.worker.progress.connect(lambda p, i, n: seen.append((p.stage, i, n)))
    with qtbot.waitSignal(dialog.modelsChanged, timeout=120000):
        dialog.install_button.click()
    assert ("download", 1, 2) in seen and ("convert", 2, 2) in seen
    qtbot.waitUntil(lambda: states(dialog)["opus-mt-en-fi"] == "installed", timeout=10000)
    assert "Installed: opus-mt-fi-en, opus-mt-en-fi" in dialog.status.text()
    assert not dialog.install_button.isEnabled()
    assert {m.manifest.model_id for m in store.installed()} >= {"opus-mt-fi-en", "opus-mt-en-fi"}
    dialog.close()


def test_cancel_installs_nothing(qtbot, hub, tmp_path: Path):
    store = ModelStore(tmp_path / "models")
    dialog = open_dialog(qtbot, store)
    # The progress bar moves on the UI thread: cancel there, as a user's click would.
    dialog.progress.valueChanged.connect(
        lambda value: (
            value > 0 and dialog.cancel_button.isEnabled() and dialog.cancel_button.click()
        )
    )
    with qtbot.waitSignal(dialog.worker.cancelled, timeout=60000):
        dialog.install_button.click()
    qtbot.waitUntil(lambda: "cancelled" in dialog.status.text(), timeout=5000)
    assert store.installed() == [] and dialog.install_button.isEnabled()
    dialog.close()


def test_import_an_archive_and_a_broken_one(qtbot, hub, tmp_path: Path):
    from models.plan import install_missing, plan_for_pair

    online = ModelStore(tmp_path / "online")
    install_missing(plan_for_pair("fi-en", online, DESK), online)
    archive = export_models(online, ["opus-mt-fi-en", "opus-mt-en-fi"], tmp_path / "fi-en.tar")
    desk = ModelStore(tmp_path / "desk")
    dialog = open_dialog(qtbot, desk)
    broken = tmp_path / "broken.tar"
    broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with qtbot.waitSignal(dialog.worker.failed, timeout=60000):
        dialog.import_from(str(broken))
    qtbot.waitUntil(lambda: "broken.tar" in dialog.status.text(), timeout=5000)
    assert desk.installed() == []
    with qtbot.waitSignal(dialog.modelsChanged, timeout=60000):
        dialog.import_from(str(archive))
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.ready, timeout=10000)
    needed = {name: state for name, state in states(dialog).items() if state != "optional"}
    assert set(needed.values()) == {"installed"} and "voice-fi" in states(dialog)
    dialog.close()
