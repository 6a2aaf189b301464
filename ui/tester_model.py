"""The Tester tab's results table: one row per phrase result, with the tester's rating."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    Qt,
)

from interpreter.phrases.ratings import Rating
from interpreter.phrases.results import TOTAL, PhraseResult

#: Column keys in display order; headers are translated in ``_headers``.
COLUMNS = (
    "id", "side", "source", "transcript", "translation", "chrf", "flags", "latency", "rating",
)  # fmt: skip
NUMERIC = frozenset({"chrf", "latency"})
#: Side names for translation (QT_TRANSLATE_NOOP: the literals are what lupdate sees).
SIDE_LABELS = {
    "staff": QT_TRANSLATE_NOOP("TesterTab", "staff"),
    "client": QT_TRANSLATE_NOOP("TesterTab", "client"),
}


def _headers() -> dict[str, str]:
    # Spelled out for pyside6-lupdate, which only sees literal translate() calls.
    translate = QCoreApplication.translate
    return {
        "id": translate("TesterTab", "ID"),
        "side": translate("TesterTab", "Side"),
        "source": translate("TesterTab", "Source"),
        "transcript": translate("TesterTab", "Transcript"),
        "translation": translate("TesterTab", "Translation"),
        "chrf": translate("TesterTab", "chrF"),
        "flags": translate("TesterTab", "Flags"),
        "latency": translate("TesterTab", "Latency (s)"),
        "rating": translate("TesterTab", "Rating"),
    }


def rating_text(rating: Rating | None) -> str:
    """Short form for the table: ``4/5``, ``2/5 misleading``, ``misleading``, or empty."""
    if rating is None:
        return ""
    parts = [f"{rating.adequacy}/5"] if rating.adequacy is not None else []
    if rating.misleading:
        parts.append(QCoreApplication.translate("TesterTab", "misleading"))
    if rating.comment and not parts:
        parts.append("…")
    return " ".join(parts)


class ResultsModel(QAbstractTableModel):
    """Phrase results in run order; ratings come from the dict the tab owns."""

    def __init__(self, ratings: dict[str, Rating], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results: list[PhraseResult] = []
        self._ratings = ratings
        self._headers = _headers()

    def set_results(self, results: list[PhraseResult], ratings: dict[str, Rating]) -> None:
        self.beginResetModel()
        self._results = list(results)
        self._ratings = ratings
        self.endResetModel()

    def append(self, result: PhraseResult) -> None:
        row = len(self._results)
        self.beginInsertRows(QModelIndex(), row, row)
        self._results.append(result)
        self.endInsertRows()

    def result(self, row: int) -> PhraseResult | None:
        return self._results[row] if 0 <= row < len(self._results) else None

    def results(self) -> list[PhraseResult]:
        return list(self._results)

    def row_of(self, phrase_id: str) -> int:
        for row, result in enumerate(self._results):
            if result.phrase_id == phrase_id:
                return row
        return -1

    def rating_changed(self, phrase_id: str) -> None:
        row = self.row_of(phrase_id)
        if row >= 0:
            index = self.index(row, COLUMNS.index("rating"))
            self.dataChanged.emit(index, index)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._results)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[COLUMNS[section]]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        result = self.result(index.row()) if index.isValid() else None
        if result is None:
            return None
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(result, key)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("source", "translation", "transcript"):
            return self._display(result, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, result: PhraseResult, key: str) -> str:
        if key == "id":
            return result.phrase_id
        if key == "side":
            side = SIDE_LABELS.get(result.side, result.side)
            return (
                f"{QCoreApplication.translate('TesterTab', side)} "
                f"({result.source_lang}→{result.target_lang})"
            )
        if key == "source":
            return result.source_text
        if key == "transcript":
            return result.transcript or ""
        if key == "translation":
            if result.error:
                return QCoreApplication.translate("TesterTab", "error: {0}").format(result.error)
            return result.translation
        if key == "chrf":
            chrf = result.scores.get("chrf")
            return "" if chrf is None else f"{chrf:.1f}"
        if key == "flags":
            return ", ".join(result.flags)
        if key == "latency":
            seconds = result.latency.get(TOTAL)
            return "" if seconds is None else f"{seconds:.2f}"
        return rating_text(self._ratings.get(result.phrase_id))
