"""One utterance as a speech bubble, for the staff view or the client view.

The staff view shows the original large and its translation beneath; the client view
shows the client's language large and the Finnish small beneath. Tentative text is drawn
lighter after the committed text, so replacing it never moves the committed words.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from interpreter.events import STAFF
from ui.conversation import Utterance
from ui.languages import STAFF_LANGUAGE

STAFF_VIEW, CLIENT_VIEW = "staff", "client"


def _rich(committed: str, tentative: str, light: str) -> str:
    parts = [html.escape(committed)] if committed else []
    if tentative:
        parts.append(f'<span style="color:{light}">{html.escape(tentative)}</span>')
    return " ".join(parts)


class Bubble(QFrame):
    """A framed pair of labels: primary text and secondary text."""

    def __init__(self, view: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.utterance_id: int | None = None
        self.side: str | None = None
        self.setObjectName("bubble")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.primary = QLabel(self)
        self.secondary = QLabel(self)
        self.marker = QLabel(self)
        for label in (self.primary, self.secondary, self.marker):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.primary.setObjectName("primary")
        self.secondary.setObjectName("secondary")
        self.marker.setObjectName("marker")
        self.marker.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self.primary)
        layout.addWidget(self.secondary)
        layout.addWidget(self.marker)
        self.light = "#8a8a8a"

    def set_fonts(self, primary_pt: int, secondary_pt: int) -> None:
        for label, size in ((self.primary, primary_pt), (self.secondary, secondary_pt)):
            font = label.font()
            font.setPointSize(size)
            label.setFont(font)

    def show_utterance(self, utt: Utterance, client_lang: str) -> None:
        """Fill in the bubble from the utterance's current state."""
        self.utterance_id = utt.utterance_id
        self.side = utt.side
        self.setProperty("side", utt.side or "unknown")
        self.setProperty("flagged", utt.flagged)
        if self.view == CLIENT_VIEW:
            primary, secondary = self._client_texts(utt, client_lang)
        else:
            primary = _rich(utt.committed, utt.tentative, self.light)
            secondary = html.escape(utt.translation)
            if not utt.translation and utt.committed and not utt.ended:
                secondary = f'<span style="color:{self.light}">…</span>'
        self.primary.setText(primary)
        self.secondary.setText(secondary)
        self.secondary.setVisible(bool(secondary))
        self._show_marker(utt)
        # Qt lays out each paragraph in its own script's direction (Arabic right to left).
        self.style().unpolish(self)
        self.style().polish(self)

    def _client_texts(self, utt: Utterance, client_lang: str) -> tuple[str, str]:
        """Client's language first (large), Finnish beneath (small)."""
        finnish_original = utt.side == STAFF or utt.lang == STAFF_LANGUAGE
        if finnish_original:
            secondary = _rich(utt.committed, utt.tentative, self.light)
            primary = (
                html.escape(utt.translation)
                if utt.translation
                else (f'<span style="color:{self.light}">…</span>')
            )
            return primary, secondary
        primary = _rich(utt.committed, utt.tentative, self.light)
        return primary, html.escape(utt.translation)

    def _show_marker(self, utt: Utterance) -> None:
        notes = []
        if "untranslated" in utt.flags:
            notes.append(self.tr("not translated: the original is shown"))
        elif utt.flagged:
            notes.append(self.tr("check this translation"))
        if utt.error and self.view == STAFF_VIEW:
            notes.append(html.escape(utt.error))
        if utt.typed and self.view == STAFF_VIEW:
            notes.append(self.tr("typed"))
        if self.view == CLIENT_VIEW:
            notes = ["⚠"] if utt.flagged else []
        self.marker.setText(" · ".join(notes))
        self.marker.setVisible(bool(notes))
