"""The staff's choices that need no recognition: text size, theme, transcript export,
the attention view, and the Settings and model dialogs.

:class:`DeskChoices` is a part of :class:`~ui.controller.DeskController`, kept in its
own module for size; it works on the controller's windows, settings and signals.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from ui.client_window import ClientWindow
from ui.conversation import Conversation
from ui.languages import client_of
from ui.screens import ScreenPlacer
from ui.settings import DeskSettings
from ui.speech_controller import SpeechController
from ui.staff_window import StaffWindow

logger = logging.getLogger(__name__)

FONT_STEP_PT = 4
DialogFactory = Callable[[str, QWidget], QDialog]


def default_dialog_factory(pair: str, parent: QWidget) -> QDialog:
    from ui.model_dialog import ModelDialog

    return ModelDialog(pair, parent=parent)


class DeskChoices:
    """Choices saved in the settings and shown at once; dialogs opened without blocking."""

    # The controller's state these methods work on (set by its constructor).
    staff: StaffWindow
    client: ClientWindow
    settings: DeskSettings
    conversation: Conversation
    speech: SpeechController
    placer: ScreenPlacer
    dialog_factory: DialogFactory
    model_dialog: QDialog | None
    pair: str
    _export: Any  # signals of the controller
    _unloadTranslation: Any
    modelDialogOpened: Any
    open_session: Callable[[], None]

    # -- display --------------------------------------------------------------------
    def step_font_size(self, step: int) -> None:
        self.settings.font_pt = self.settings.font_pt + step * FONT_STEP_PT
        self.client.set_font_size(self.settings.font_pt)

    def set_theme(self, theme: str) -> None:
        self.settings.theme = theme
        self.staff.set_theme(self.settings.theme)

    def toggle_attention(self) -> None:
        self.placer.toggle_attention()
        self.settings.attention_view = self.placer.attention

    # -- transcript -----------------------------------------------------------------
    def set_export_enabled(self, on: bool) -> None:
        self.settings.export_enabled = on
        self.staff.set_export_enabled(self.settings.export_enabled)  # a locked value stays

    def export_transcript(self, folder: str) -> None:
        if not self.settings.export_enabled:
            return
        self.settings.export_folder = folder
        copies = [dataclasses.replace(u) for u in self.conversation.ordered()]
        self._export.emit(copies, folder, self.pair)

    # -- dialogs --------------------------------------------------------------------
    def open_settings(self) -> QDialog:
        """The Settings dialog; saving it reopens listening with the new entry."""
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.staff)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._settings_saved)
        dialog.open()
        return dialog

    def _show_allowed_pairs(self) -> None:
        """Offer only the allowed pairs; a pair no longer allowed gives way to the first."""
        self.staff.language.set_allowed(tuple(client_of(p) for p in self.settings.allowed_pairs))
        self.pair = self.settings.pair
        client = client_of(self.pair)
        self.staff.set_client_language(client)
        self.client.set_language(client)
        self.speech.set_pair(self.pair)

    def _settings_saved(self) -> None:
        """The Settings dialog was saved: the offered pairs, glossary and server apply."""
        self._show_allowed_pairs()
        self.open_session()

    def open_model_dialog(self) -> QDialog | None:
        """The model dialog for the current pair (one at a time, not blocking)."""
        if self.model_dialog is not None and self.model_dialog.isVisible():
            return self.model_dialog
        try:
            dialog = self.dialog_factory(self.pair, self.staff)
        except ImportError as exc:
            logger.warning("model dialog unavailable: %s", exc)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if hasattr(dialog, "modelsChanged"):
            dialog.modelsChanged.connect(self._models_changed)
        self.model_dialog = dialog
        dialog.destroyed.connect(lambda: setattr(self, "model_dialog", None))
        dialog.open()
        self.modelDialogOpened.emit(dialog)
        return dialog

    def _models_changed(self) -> None:
        self._unloadTranslation.emit()
        self.open_session()
