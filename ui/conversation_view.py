"""A scrolling column of speech bubbles, one per utterance, updated in place.

Follows the newest bubble while the view is scrolled to the bottom; once the user scrolls
up to read, it stays where it is until they scroll back down.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from ui.bubble import STAFF_VIEW, Bubble, side_alignment
from ui.conversation import Utterance

#: Bubbles take at most this share of the view's width, so the sides stay apart.
BUBBLE_WIDTH_SHARE = 0.78
#: Pixels from the bottom that still count as "at the bottom".
FOLLOW_SLACK = 8


class ConversationView(QScrollArea):
    """Bubbles for the staff view or the client view (``view``)."""

    def __init__(
        self,
        view: str = STAFF_VIEW,
        primary_pt: int = 13,
        secondary_pt: int = 11,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.primary_pt, self.secondary_pt = primary_pt, secondary_pt
        self.client_lang = "en"
        self._bubbles: dict[int, Bubble] = {}
        self._follow = True
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._content = QWidget()
        self._content.setObjectName("conversation")
        self._layout = QVBoxLayout(self._content)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(10)
        self._layout.addStretch(1)  # keeps bubbles at the top until the view fills up
        self.setWidget(self._content)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)

    # -- content --------------------------------------------------------------------
    def show_utterance(self, utt: Utterance) -> Bubble:
        """Create or update the utterance's bubble."""
        bubble = self._bubbles.get(utt.utterance_id)
        if bubble is None:
            bubble = Bubble(self.view, self._content)
            bubble.set_fonts(self.primary_pt, self.secondary_pt)
            bubble.setMaximumWidth(self._bubble_width())
            self._bubbles[utt.utterance_id] = bubble
            self._layout.insertWidget(self._layout.count() - 1, bubble, 0, side_alignment(utt.side))
        elif bubble.side != utt.side:
            self._layout.setAlignment(bubble, side_alignment(utt.side))
        bubble.show_utterance(utt, self.client_lang)
        return bubble

    def bubbles(self) -> list[Bubble]:
        """Bubbles from the oldest to the newest."""
        return [
            item.widget()
            for index in range(self._layout.count())
            if isinstance((item := self._layout.itemAt(index)).widget(), Bubble)
        ]

    def clear(self) -> None:
        """Remove every bubble (next client)."""
        for bubble in self._bubbles.values():
            self._layout.removeWidget(bubble)
            bubble.setParent(None)
            bubble.deleteLater()
        self._bubbles.clear()
        self._follow = True

    def set_fonts(self, primary_pt: int, secondary_pt: int) -> None:
        self.primary_pt, self.secondary_pt = primary_pt, secondary_pt
        for bubble in self._bubbles.values():
            bubble.set_fonts(primary_pt, secondary_pt)

    # -- following the newest bubble ------------------------------------------------
    @property
    def following(self) -> bool:
        return self._follow

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - FOLLOW_SLACK

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)

    def _bubble_width(self) -> int:
        return max(200, int(self.viewport().width() * BUBBLE_WIDTH_SHARE))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        width = self._bubble_width()
        for bubble in self._bubbles.values():
            bubble.setMaximumWidth(width)
