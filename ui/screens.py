"""Where the client window goes: full screen on a second screen when there is one.

With only one screen the staff chooses between a split (staff window left, client window
right) and an attention view (the client window covers the screen; F11 toggles). When a
second screen appears or disappears the windows are placed again.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

logger = logging.getLogger(__name__)

SECOND_SCREEN, SPLIT, ATTENTION = "second-screen", "split", "attention"
#: The staff window's share of the screen in the split view.
STAFF_SHARE = 0.55


class ScreenPlacer(QObject):
    """Places the staff and client windows and follows screens coming and going."""

    placed = Signal(str)  # the arrangement now in use

    def __init__(self, staff: QWidget, client: QWidget, attention: bool = False) -> None:
        super().__init__(staff)
        self.staff = staff
        self.client = client
        self.attention = attention
        self.arrangement = ""
        app = QGuiApplication.instance()
        app.screenAdded.connect(self._screens_changed)
        app.screenRemoved.connect(self._screens_changed)

    def _screens_changed(self, _screen: QScreen) -> None:
        self.place()

    def second_screen(self) -> QScreen | None:
        """A screen other than the staff window's, if any."""
        screens = QGuiApplication.screens()
        staff_screen = self.staff.screen() or QGuiApplication.primaryScreen()
        others = [screen for screen in screens if screen is not staff_screen]
        return others[0] if others else None

    def set_attention(self, on: bool) -> None:
        self.attention = on
        self.place()

    def toggle_attention(self) -> None:
        self.set_attention(not self.attention)

    def place(self) -> str:
        """Show the client window where it belongs; returns the arrangement."""
        other = self.second_screen()
        if other is not None:
            self.client.setScreen(other)
            self.client.setGeometry(other.geometry())
            self.client.showFullScreen()
            arrangement = SECOND_SCREEN
        else:
            screen = self.staff.screen() or QGuiApplication.primaryScreen()
            area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
            if self.attention:
                self.client.setScreen(screen)
                self.client.showFullScreen()
                self.client.raise_()
                arrangement = ATTENTION
            else:
                # The staff window's controls need their minimum width even on a small screen.
                needed = min(self.staff.minimumSizeHint().width(), area.width() - 200)
                staff_width = max(int(area.width() * STAFF_SHARE), needed)
                self.client.showNormal()
                self.staff.setGeometry(area.x(), area.y(), staff_width, area.height())
                left = self.staff.geometry().right() + 1  # the staff window may be wider
                self.client.setGeometry(
                    left, area.y(), max(200, area.x() + area.width() - left), area.height()
                )
                self.client.show()
                self.staff.raise_()
                arrangement = SPLIT
        if arrangement != self.arrangement:
            logger.info("client window: %s", arrangement)
        self.arrangement = arrangement
        self.placed.emit(arrangement)
        return arrangement
