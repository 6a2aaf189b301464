"""The client's window: their language, large, high contrast; nothing for the staff.

It holds a welcome line and the conversation's bubbles seen from the client's side. The
layout turns right to left for Arabic and Persian. Where it goes (a second screen, half
of the only screen, or all of it) is decided by :mod:`ui.screens`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.bubble import CLIENT_VIEW
from ui.conversation import Utterance
from ui.conversation_view import ConversationView
from ui.languages import language

#: High contrast: white on black, tentative text grey, warnings yellow.
CLIENT_STYLE = """
QWidget#clientWindow, QWidget#conversation { background: #000000; }
QLabel { color: #ffffff; }
QLabel#welcome { color: #ffffff; padding: 16px; }
QFrame#bubble { background: #000000; border: 2px solid #ffffff; border-radius: 12px; }
QFrame#bubble[side="staff"] { border-color: #7fdbff; }
QFrame#bubble[side="client"] { border-color: #ffffff; }
QFrame#bubble[flagged="true"] { border-color: #ffd700; }
QLabel#secondary { color: #d0d0d0; }
QLabel#marker { color: #ffd700; }
QScrollArea { background: #000000; border: none; }
"""
SECONDARY_SHARE = 0.5  # the Finnish line is half the size of the client's language


class ClientWindow(QWidget):
    """A top-level window the staff turns towards the client."""

    #: The client pressed the attention shortcut (F11) on this window.
    attentionToggleRequested = Signal()
    #: The client tapped the window: say the latest words to them again.
    replayRequested = Signal()

    def __init__(self, font_pt: int = 32, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("clientWindow")
        self.setWindowTitle("Desk interpreter")
        self.setStyleSheet(CLIENT_STYLE)
        self.client_lang = "en"
        self.font_pt = font_pt
        self.welcome = QLabel(self)
        self.welcome.setObjectName("welcome")
        self.welcome.setWordWrap(True)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view = ConversationView(CLIENT_VIEW, parent=self)
        # The client never needs to scroll: the view follows the newest bubble.
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(self.welcome)
        layout.addWidget(self.view, 1)
        self._welcome_lines: dict[str, str] = {}
        self.set_font_size(font_pt)
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self.attentionToggleRequested.emit)
        self.resize(900, 600)

    def set_welcome_lines(self, lines: dict[str, str]) -> None:
        self._welcome_lines = dict(lines)
        self._update_welcome()

    def set_language(self, code: str) -> None:
        """The client's language: the welcome line, direction and bubble texts follow."""
        self.client_lang = code
        self.view.client_lang = code
        rtl = language(code).rtl
        self.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        )
        self._update_welcome()

    def _update_welcome(self) -> None:
        """The welcome line greets a new client; the conversation then gets the room."""
        self.welcome.setText(self._welcome_lines.get(self.client_lang, ""))
        self.welcome.setVisible(bool(self.welcome.text()) and not self.view.bubbles())

    def set_font_size(self, pt: int) -> None:
        self.font_pt = pt
        font = self.welcome.font()
        font.setPointSize(pt)
        self.welcome.setFont(font)
        self.view.set_fonts(pt, max(10, round(pt * SECONDARY_SHARE)))

    def show_utterance(self, utt: Utterance) -> None:
        self.view.show_utterance(utt)
        self.welcome.hide()

    def mouseReleaseEvent(self, event) -> None:
        """A tap (touch screens send it as a click) anywhere on the window."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.replayRequested.emit()
        super().mouseReleaseEvent(event)

    def clear(self) -> None:
        """Next client: no bubble of the previous client remains."""
        self.view.clear()
        self._update_welcome()
