"""A scrolling column of speech bubbles, one per utterance, updated in place.

Follows the newest bubble while the view is scrolled to the bottom; once the user scrolls
up to read, it stays where it is until they scroll back down.

Every bubble always has the height its text needs at its width. Two things keep it so.
A bubble stays in its row's layout for good: moving it to the other side only swaps the
stretch of the spaces beside it. (Taking a widget out of a layout and adding it again
left Qt's record of the widget pointing at the old layout item, so the new item kept
the heights it had first measured and a growing bubble kept its first height.) And a
changed bubble is laid out at once, up to the scrolled column, so no frame ever shows
its text clipped while Qt's own layout requests are still queued.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from interpreter.events import CLIENT
from ui.bubble import STAFF_VIEW, Bubble
from ui.conversation import Utterance

#: Bubbles take at most this share of the view's width, so the sides stay apart.
BUBBLE_WIDTH_SHARE = 0.78
#: Pixels from the bottom that still count as "at the bottom".
FOLLOW_SLACK = 8


class _Column(QWidget):
    """The scrolled content. Its minimum height is its height at its current width:
    word-wrapped labels otherwise report the height they would need at a tiny width,
    which leaves a tall empty area to scroll through."""

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return super().minimumSizeHint()
        return QSize(0, layout.heightForWidth(max(1, self.width())))

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()


def _space() -> QSpacerItem:
    return QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)


class ConversationView(QScrollArea):
    """Bubbles for the staff view or the client view (``view``).

    In the staff view a bubble's context menu (right click, or a long press on a touch
    screen) can speak its translation again: ``speakAgainRequested(utterance_id)``.
    """

    speakAgainRequested = Signal(int)

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
        # Always there (or, in the client window, never): a scroll bar that appears once
        # the conversation outgrows the view would narrow every bubble, and Qt shows it
        # only after a queued call, so for a moment it would cover the bubbles' edge.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._content = _Column()
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
        """Create or update the utterance's bubble (its side may change: a revision)."""
        bubble = self._bubbles.get(utt.utterance_id)
        if bubble is None:
            row = QWidget(self._content)
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            bubble = Bubble(self.view, row)
            bubble.set_fonts(self.primary_pt, self.secondary_pt)
            if self.view == STAFF_VIEW:
                bubble.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
                bubble.customContextMenuRequested.connect(
                    lambda where, b=bubble: self._open_menu(b, where)
                )
            self._bubbles[utt.utterance_id] = bubble
            for item in (_space(), bubble, _space()):
                if isinstance(item, QWidget):
                    row_layout.addWidget(item)
                else:
                    row_layout.addItem(item)
            self._layout.insertWidget(self._layout.count() - 1, row)
            row.show()  # now, not when the layout's queued show comes, so it is laid out now
        self._place(bubble.parentWidget().layout(), utt.side)
        bubble.show_utterance(utt, self.client_lang)
        self._lay_out(bubble)
        return bubble

    def bubble_menu(self, bubble: Bubble) -> QMenu:
        """The staff's menu for one bubble."""
        menu = QMenu(bubble)
        action = menu.addAction(self.tr("Speak the translation again"))
        action.setEnabled(bubble.utterance_id is not None)  # a disabled action never fires
        action.triggered.connect(lambda: self.speakAgainRequested.emit(bubble.utterance_id))
        return menu

    def _open_menu(self, bubble: Bubble, where: QPoint) -> None:
        menu = self.bubble_menu(bubble)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(bubble.mapToGlobal(where))

    @staticmethod
    def _place(row_layout: QHBoxLayout, side: str | None) -> None:
        """Staff bubbles on the leading edge, client bubbles on the trailing edge: the
        row is (space, bubble, space) and only the spaces' stretch changes."""
        share = round(BUBBLE_WIDTH_SHARE * 100)
        lead, trail = (100 - share, 0) if side == CLIENT else (0, 100 - share)
        if (row_layout.stretch(0), row_layout.stretch(2)) != (lead, trail):
            row_layout.setStretch(0, lead)
            row_layout.setStretch(1, share)
            row_layout.setStretch(2, trail)

    def _lay_out(self, bubble: Bubble | None = None) -> None:
        """Lay out now what changed: the bubble, its row, then the column at the height
        its bubbles need for the viewport's width, as the scroll area itself would on a
        later pass of the event loop. A hidden view is laid out by Qt when it is shown."""
        if not self.isVisible():
            return
        if bubble is not None:
            bubble.layout().activate()
            bubble.parentWidget().layout().activate()
        width = self.viewport().width()
        height = max(self.viewport().height(), self._content.heightForWidth(width))
        if self._content.size() != QSize(width, height):
            self._content.resize(width, height)
        self._layout.activate()

    def bubbles(self) -> list[Bubble]:
        """Bubbles from the oldest to the newest."""
        rows = (self._layout.itemAt(i).widget() for i in range(self._layout.count()))
        return [row.findChild(Bubble) for row in rows if row is not None]

    def clear(self) -> None:
        """Remove every bubble (next client)."""
        for bubble in self._bubbles.values():
            row = bubble.parentWidget()
            self._layout.removeWidget(row)
            row.setParent(None)
            row.deleteLater()
        self._bubbles.clear()
        self._follow = True

    def set_fonts(self, primary_pt: int, secondary_pt: int) -> None:
        self.primary_pt, self.secondary_pt = primary_pt, secondary_pt
        for bubble in self._bubbles.values():
            bubble.set_fonts(primary_pt, secondary_pt)
            bubble.layout().activate()
            bubble.parentWidget().layout().activate()
        self._lay_out()

    # -- following the newest bubble ------------------------------------------------
    @property
    def following(self) -> bool:
        return self._follow

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - FOLLOW_SLACK

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)
