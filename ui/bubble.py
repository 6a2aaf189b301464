"""One utterance as a speech bubble, for the staff view or the client view.

The staff view shows the original large and its translation beneath; the client view
shows the client's language large and the Finnish small beneath. Tentative text is drawn
lighter after the committed text, so replacing it never moves the committed words. The
texts are :class:`~ui.bubble_text.BubbleText` labels: their height always follows their
width, whatever the text, font size or script.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from interpreter.events import STAFF
from ui.bubble_text import BubbleText
from ui.conversation import Utterance
from ui.languages import STAFF_LANGUAGE, language

STAFF_VIEW, CLIENT_VIEW = "staff", "client"


def _rich(committed: str, tentative: str, light: str) -> str:
    parts = [html.escape(committed)] if committed else []
    if tentative:
        parts.append(f'<span style="color:{light}">{html.escape(tentative)}</span>')
    return " ".join(parts)


def _show(label: BubbleText, text: str) -> None:
    """Set the text; the label is shown only with text (and touched only on a change)."""
    label.setText(text)
    if label.isHidden() == bool(text):
        label.setVisible(bool(text))


class Bubble(QFrame):
    """A framed column of labels: primary text, secondary text and a marker line."""

    def __init__(self, view: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.utterance_id: int | None = None
        self.side: str | None = None
        self.setObjectName("bubble")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        menu = (self.tr("Copy"), self.tr("Select all"))
        self.primary = BubbleText(self, *menu)
        self.secondary = BubbleText(self, *menu)
        self.marker = BubbleText(self, *menu)
        self.primary.setObjectName("primary")
        self.secondary.setObjectName("secondary")
        self.marker.setObjectName("marker")
        self.marker.hide()
        if view == CLIENT_VIEW:
            # The client selects nothing: a tap on the text reaches the window (to hear
            # the latest words again).
            for label in self.labels():
                label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self.primary)
        layout.addWidget(self.secondary)
        layout.addWidget(self.marker)
        self.light = "#8a8a8a"
        self._style_key: tuple[str, bool] | None = None

    def labels(self) -> tuple[BubbleText, BubbleText, BubbleText]:
        return self.primary, self.secondary, self.marker

    def set_fonts(self, primary_pt: int, secondary_pt: int) -> None:
        for label, size in ((self.primary, primary_pt), (self.secondary, secondary_pt)):
            font = label.font()
            font.setPointSize(size)
            label.setFont(font)

    def show_utterance(self, utt: Utterance, client_lang: str) -> None:
        """Fill in the bubble from the utterance's current state."""
        self.utterance_id = utt.utterance_id
        self.side = utt.side
        if self.view == CLIENT_VIEW:
            primary, secondary = self._client_texts(utt, client_lang)
        else:
            primary = _rich(utt.committed, utt.tentative, self.light)
            secondary = html.escape(utt.translation) or self._awaited(utt)
        _show(self.primary, primary)
        _show(self.secondary, secondary)
        self._show_marker(utt)
        self._restyle(utt.side or "unknown", utt.flagged)

    def _awaited(self, utt: Utterance) -> str:
        """A grey ellipsis while the translation is still to come."""
        coming = utt.committed and not utt.ended and "untranslated" not in utt.flags
        return f'<span style="color:{self.light}">…</span>' if coming else ""

    def _client_texts(self, utt: Utterance, client_lang: str) -> tuple[str, str]:
        """Client's language first (large), Finnish beneath (small)."""
        finnish_original = utt.side == STAFF or utt.lang == STAFF_LANGUAGE
        if finnish_original:
            secondary = _rich(utt.committed, utt.tentative, self.light)
            if utt.translation:
                return html.escape(utt.translation), secondary
            untranslated = "untranslated" in utt.flags
            return ("" if untranslated else f'<span style="color:{self.light}">…</span>'), (
                secondary
            )
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
        # A revision in the same language only cut off words that became the next
        # utterance: nothing to point out.
        if utt.revised and utt.previous_lang != utt.lang and self.view == STAFF_VIEW:
            notes.append(self._revision_note(utt.previous_lang))
        if self.view == CLIENT_VIEW:
            notes = ["⚠"] if utt.flagged else []
        _show(self.marker, " · ".join(notes))

    def _revision_note(self, previous_lang: str | None) -> str:
        if not previous_lang:
            return self.tr("recognised again")
        first = html.escape(language(previous_lang).native)
        return self.tr("recognised again (first heard as %1)").replace("%1", first)

    def _restyle(self, side: str, flagged: bool) -> None:
        """Properties the style sheets select on; polished again only when they change."""
        if self._style_key == (side, flagged):
            return
        self._style_key = (side, flagged)
        self.setProperty("side", side)
        self.setProperty("flagged", flagged)
        self.style().unpolish(self)
        self.style().polish(self)
