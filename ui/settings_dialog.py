"""Settings dialog: the desk's glossary, the pairs it offers, its inference server entry
(and what the city has locked).

Values the city's configuration file locks are shown, greyed out, marked as locked. The
API key is never written to the settings: "Store key" puts it in the OS keyring. Storing
the key and testing the server run on a pool thread, never on the UI thread.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from interpreter.server.config import MT_KINDS, ServerConfig, ServerConfigError
from ui.settings import DeskSettings

logger = logging.getLogger(__name__)

_MT_LABELS = {"": "this PC", "libretranslate": "LibreTranslate", "chat": "chat model (LLM)"}


class _Results(QObject):
    """Carries a pool job's result back to the UI thread."""

    done = Signal(str)


def run_in_pool(job: Callable[[], str], on_done: Callable[[str], None], parent: QObject) -> None:
    """Run ``job`` on Qt's thread pool; ``on_done(message)`` on the UI thread."""
    results = _Results(parent)
    results.done.connect(on_done)

    def run() -> None:
        try:
            message = job()
        except Exception as exc:  # reported in the dialog, never raised on a pool thread
            message = str(exc)
        results.done.emit(message)

    QThreadPool.globalInstance().start(run)


def store_key_job(url: str, key: str) -> Callable[[], str]:
    def job() -> str:
        from interpreter.server.credentials import store_api_key

        store_api_key(url, key)
        return "Key stored in the OS keyring." if key else "Key removed from the OS keyring."

    return job


def check_server_job(config: ServerConfig) -> Callable[[], str]:
    def job() -> str:
        from interpreter.server.doctor import check_server

        return "\n".join(("ok: " if f.ok else "!! ") + f.what for f in check_server(config))

    return job


class SettingsDialog(QDialog):
    """Edit the server entry; ``accepted`` means the settings were written."""

    def __init__(self, settings: DeskSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))
        config = settings.server
        self.enabled = QCheckBox(self.tr("Use the city's inference server"))
        self.enabled.setChecked(config.enabled)
        self.url = QLineEdit(config.url)
        self.url.setPlaceholderText("https://interpreter.city.example")
        self.asr = QCheckBox(self.tr("Speech recognition on the server"))
        self.asr.setChecked(config.asr)
        self.mt = QComboBox()
        for kind in MT_KINDS:
            self.mt.addItem(_MT_LABELS[kind], kind)
        self.mt.setCurrentIndex(max(0, self.mt.findData(config.mt)))
        self.asr_model = QLineEdit(config.asr_model)
        self.mt_model = QLineEdit(config.mt_model)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(0.5, 120.0)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(config.timeout_seconds)
        self.ca_bundle = QLineEdit(config.ca_bundle)
        self.ca_bundle.setPlaceholderText(self.tr("system certificate store"))
        self.key_env = QLineEdit(config.api_key_env)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("new key (kept in the OS keyring)"))
        self.store_key = QPushButton(self.tr("Store key"))
        self.store_key.clicked.connect(self._store_key)
        self.test = QPushButton(self.tr("Test server"))
        self.test.clicked.connect(self._test)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.glossary = QLineEdit(settings.glossary)
        self.glossary.setPlaceholderText(self.tr("none"))
        self.glossary.setToolTip(self.tr("The city's terms, enforced in translation (TSV or CSV)"))
        self.choose_glossary = QPushButton(self.tr("Choose…"))
        self.choose_glossary.clicked.connect(self._choose_glossary)
        self.pairs = QLineEdit(", ".join(settings.allowed_pairs))
        self.pairs.setPlaceholderText(self.tr("every language"))
        self.pairs.setToolTip(self.tr("Pairs the language list offers, e.g. fi-en, fi-sv"))

        self.fields: dict[str, QWidget] = {
            "glossary": self.glossary,
            "allowed_pairs": self.pairs,
            "server_enabled": self.enabled,
            "server_url": self.url,
            "server_asr": self.asr,
            "server_mt": self.mt,
            "server_asr_model": self.asr_model,
            "server_mt_model": self.mt_model,
            "server_timeout_seconds": self.timeout,
            "server_ca_bundle": self.ca_bundle,
            "server_api_key_env": self.key_env,
        }
        desk = QFormLayout()
        glossary_row = QHBoxLayout()
        glossary_row.addWidget(self.glossary, 1)
        glossary_row.addWidget(self.choose_glossary)
        desk.addRow(self.tr("Glossary"), glossary_row)
        desk.addRow(self.tr("Languages offered"), self.pairs)
        desk_box = QGroupBox(self.tr("Desk"))
        desk_box.setLayout(desk)
        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow(self.tr("Server URL"), self.url)
        form.addRow(self.asr)
        form.addRow(self.tr("Translation"), self.mt)
        form.addRow(self.tr("Speech model"), self.asr_model)
        form.addRow(self.tr("Chat model"), self.mt_model)
        form.addRow(self.tr("Deadline per request"), self.timeout)
        form.addRow(self.tr("City CA bundle (PEM)"), self.ca_bundle)
        form.addRow(self.tr("API key variable"), self.key_env)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.store_key)
        form.addRow(self.tr("API key"), key_row)
        self.locked_note = QLabel()
        self._mark_locked()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(desk_box)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Off by default. When on, speech audio and/or the recognised text of "
                    "each utterance go to this server; the status bar names it."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.locked_note)
        layout.addWidget(self.test)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def _mark_locked(self) -> None:
        locked = [key for key in self.fields if self.settings.is_locked(key)]
        for key in locked:
            widget = self.fields[key]
            widget.setEnabled(False)
            widget.setToolTip(self.tr("Locked by the city's configuration file"))
        self.choose_glossary.setEnabled(not self.settings.is_locked("glossary"))
        if locked:
            where = self.settings.central.path
            self.locked_note.setText(
                self.tr("Greyed-out values are locked by %1.").replace("%1", str(where))
            )

    def edited(self) -> ServerConfig:
        """The entry as the fields say (locked keys keep the file's values)."""
        return replace(
            self.settings.server,
            enabled=self.enabled.isChecked(),
            url=self.url.text().strip(),
            asr=self.asr.isChecked(),
            mt=str(self.mt.currentData()),
            asr_model=self.asr_model.text().strip() or "whisper-1",
            mt_model=self.mt_model.text().strip(),
            timeout_seconds=float(self.timeout.value()),
            ca_bundle=self.ca_bundle.text().strip(),
            api_key_env=self.key_env.text().strip(),
        )

    def edited_pairs(self) -> tuple[str, ...]:
        """The pairs typed (codes alone are read as pairs with Finnish); ValueError names
        one that is not a pair."""
        pairs = []
        for item in self.pairs.text().replace(";", ",").split(","):
            item = item.strip().lower()
            if not item:
                continue
            pair = item if item.startswith("fi-") else f"fi-{item}"
            if not re.fullmatch(r"fi-[a-z]{2,3}", pair):
                raise ValueError(
                    self.tr("%1 is not a pair: write e.g. fi-en, fi-sv.").replace("%1", item)
                )
            pairs.append(pair)
        return tuple(dict.fromkeys(pairs))

    def _choose_glossary(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Glossary"), self.glossary.text(), self.tr("Glossary (*.tsv *.csv)")
        )
        if path:
            self.glossary.setText(path)

    def _save(self) -> None:
        try:
            config = self.edited().validate()
            pairs = self.edited_pairs()
        except (ServerConfigError, ValueError) as exc:
            self.status.setText(str(exc))
            return
        self.settings.server = config
        # Only what was changed is saved: an untouched value keeps following the city's
        # default (the store refuses locked keys anyway).
        if pairs != self.settings.allowed_pairs:
            self.settings.allowed_pairs = pairs
        if self.glossary.text().strip() != self.settings.glossary:
            self.settings.glossary = self.glossary.text().strip()
        self.settings.sync()
        self.accept()

    def _store_key(self) -> None:
        url = self.url.text().strip()
        if not url:
            self.status.setText(self.tr("Enter the server URL first: the key is kept for it."))
            return
        key = self.key.text()
        self.key.clear()  # the key does not stay in the dialog either
        self.status.setText(self.tr("Storing the key…"))
        run_in_pool(store_key_job(url, key), self.status.setText, self)

    def _test(self) -> None:
        try:
            config = replace(self.edited(), enabled=True).validate()
        except ServerConfigError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(self.tr("Testing %1…").replace("%1", config.host))
        run_in_pool(check_server_job(config), self.status.setText, self)
