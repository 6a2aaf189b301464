"""The text of a speech bubble: rich text whose height always follows its width.

A QLabel keeps its text layout to itself and never breaks inside a word, so a word wider
than the bubble (a Finnish compound at the client's largest text size, in a narrow
window) runs past the edge and the label asks for more width than the window has. This
label lays out and draws its own document instead: lines wrap at word boundaries, and
inside a word only when the word alone is wider than a line. Its height for a width is
that document's height, so a layout that asks always gets the height the text needs.
Each paragraph runs in its own script's direction (Arabic and Persian right to left).
Selecting with the mouse and copying work as in a selectable label.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QClipboard,
    QKeySequence,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QSizePolicy, QWidget

#: Widths whose heights are remembered until the text or the font changes.
HEIGHT_CACHE_SIZE = 8


class BubbleText(QLabel):
    """A word-wrapping rich-text label that may break a word that fits no line.

    ``copy_text`` and ``select_all_text`` name the context menu's actions (the owner
    translates them).
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        copy_text: str = "Copy",
        select_all_text: str = "Select all",
    ) -> None:
        super().__init__(parent)
        self._menu_texts = (copy_text, select_all_text)
        self._doc = QTextDocument(self)
        self._doc.setDocumentMargin(0)
        self._doc.setUndoRedoEnabled(False)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._doc.setDefaultTextOption(option)
        self._doc.setDefaultFont(self.font())
        self._selection = QTextCursor(self._doc)
        self._heights: dict[int, int] = {}
        self._hint: QSize | None = None
        self._palette: QPalette | None = None  # the style's colours, text in the label's
        # QLabel drops height-for-width from its size policy whenever word wrap is off.
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setCursor(Qt.CursorShape.IBeamCursor)

    # -- text and size ----------------------------------------------------------------
    def setText(self, text: str) -> None:
        if text == self.text():
            return
        super().setText(text)
        self._doc.setHtml(text)
        self._selection = QTextCursor(self._doc)
        self._changed()

    def document(self) -> QTextDocument:
        """The laid-out text as drawn (for tests and accessibility tools)."""
        return self._doc

    def _changed(self) -> None:
        """The text or font changed: forget measured heights and ask the layouts again."""
        self._heights.clear()
        self._hint = None
        self.updateGeometry()
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._doc.setDefaultFont(self.font())
            self._changed()
        elif event.type() == QEvent.Type.ContentsRectChange:
            self._changed()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._palette = None

    def hasHeightForWidth(self) -> bool:
        return True

    def _text_width(self, width: int) -> int:
        margins = self.contentsMargins()
        return max(1, width - margins.left() - margins.right())

    def _lay_out(self, text_width: int) -> None:
        if self._doc.textWidth() != text_width:
            self._doc.setTextWidth(text_width)

    def heightForWidth(self, width: int) -> int:
        text_width = self._text_width(width)
        height = self._heights.get(text_width)
        if height is None:
            self._lay_out(text_width)
            height = math.ceil(self._doc.size().height())
            if len(self._heights) >= HEIGHT_CACHE_SIZE:
                self._heights.pop(next(iter(self._heights)))
            self._heights[text_width] = height
        margins = self.contentsMargins()
        return height + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        """About the shape a QLabel would choose: at most 80 characters a line."""
        if self._hint is None:
            margins = self.contentsMargins()
            self._doc.adjustSize()
            width = math.ceil(self._doc.idealWidth()) + margins.left() + margins.right()
            self._hint = QSize(width, self.heightForWidth(width))
        return QSize(self._hint)

    def minimumSizeHint(self) -> QSize:
        """One character wide: any word can be broken to fit."""
        margins = self.contentsMargins()
        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance("W") + margins.left() + margins.right()
        return QSize(width, metrics.height() + margins.top() + margins.bottom())

    # -- drawing ------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        rect = self.contentsRect()
        self._lay_out(self._text_width(self.width()))
        painter = QPainter(self)
        painter.translate(rect.topLeft())
        context = QAbstractTextDocumentLayout.PaintContext()
        if self._palette is None:
            self._palette = QPalette(self.palette())
            foreground = self.palette().color(self.foregroundRole())
            self._palette.setColor(QPalette.ColorRole.Text, foreground)
        context.palette = self._palette
        context.clip = QRectF(event.rect().translated(-rect.topLeft()))
        if self._selection.hasSelection():
            selected = QAbstractTextDocumentLayout.Selection()
            selected.cursor = self._selection
            look = QTextCharFormat()
            look.setBackground(self.palette().highlight())
            look.setForeground(self.palette().highlightedText())
            selected.format = look
            context.selections = [selected]
        self._doc.documentLayout().draw(painter, context)
        painter.end()

    # -- selecting and copying ------------------------------------------------------------
    def _position(self, point) -> int:
        offset = QPointF(point) - QPointF(self.contentsRect().topLeft())
        return self._doc.documentLayout().hitTest(offset, Qt.HitTestAccuracy.FuzzyHit)

    def selected_text(self) -> str:
        return self._selection.selectedText().replace("\u2029", "\n")

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        self._selection.setPosition(max(0, self._position(event.position())))
        self.update()

    def mouseMoveEvent(self, event) -> None:
        if not event.buttons() & Qt.MouseButton.LeftButton:
            event.ignore()
            return
        position = max(0, self._position(event.position()))
        self._selection.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        self._copy(QClipboard.Mode.Selection)

    def mouseDoubleClickEvent(self, event) -> None:
        self._selection.setPosition(max(0, self._position(event.position())))
        self._selection.select(QTextCursor.SelectionType.WordUnderCursor)
        self.update()
        self._copy(QClipboard.Mode.Selection)

    def select_all(self) -> None:
        self._selection.select(QTextCursor.SelectionType.Document)
        self.update()

    def _copy(self, mode: QClipboard.Mode = QClipboard.Mode.Clipboard) -> None:
        clipboard = QApplication.clipboard()
        if self._selection.hasSelection() and (
            mode == QClipboard.Mode.Clipboard or clipboard.supportsSelection()
        ):
            clipboard.setText(self.selected_text(), mode)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self._copy()
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
        else:
            event.ignore()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self._selection.clearSelection()
            self.update()

    def contextMenuEvent(self, event) -> None:
        menu = QMenu(self)
        copy_text, select_all_text = self._menu_texts
        copy = menu.addAction(copy_text, self._copy)
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setEnabled(self._selection.hasSelection())
        menu.addAction(select_all_text, self.select_all)
        menu.exec(event.globalPos())
        menu.deleteLater()
