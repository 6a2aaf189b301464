"""The Tester tab's detail pane: one phrase's texts and references, playback, and rating."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from interpreter.phrases.ratings import ADEQUACY_SCALE, Rating
from interpreter.phrases.results import PhraseResult

NOT_RATED = 0


class RatingPanel(QWidget):
    """Shows the selected result; emits ``rating_changed`` on every change by the tester."""

    rating_changed = Signal(str, object)  # phrase id, Rating
    play_requested = Signal(str)  # audio file path
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._phrase_id: str | None = None
        self._audio: str | None = None
        self._updating = False

        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.play_button = QPushButton(self.tr("Play audio"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.play_button.clicked.connect(self._play)
        self.stop_button.clicked.connect(self.stop_requested)

        self.adequacy_group = QButtonGroup(self)
        adequacy_row = QHBoxLayout()
        not_rated = QRadioButton(self.tr("not rated"))
        self.adequacy_group.addButton(not_rated, NOT_RATED)
        adequacy_row.addWidget(not_rated)
        labels = {
            1: self.tr("none of the meaning"),
            2: self.tr("little of the meaning"),
            3: self.tr("much of the meaning"),
            4: self.tr("most of the meaning"),
            5: self.tr("all of the meaning"),
        }
        for value in ADEQUACY_SCALE:
            button = QRadioButton(str(value))
            button.setToolTip(labels[value])
            self.adequacy_group.addButton(button, value)
            adequacy_row.addWidget(button)
        adequacy_row.addStretch(1)
        self.adequacy_group.idClicked.connect(lambda _id: self._emit())
        self.misleading = QCheckBox(self.tr("Would mislead the client"))
        self.misleading.toggled.connect(lambda _on: self._emit())
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(self.tr("What is wrong, or what should it say?"))
        self.comment.textEdited.connect(lambda _text: self._emit())

        audio_row = QHBoxLayout()
        audio_row.addWidget(self.play_button)
        audio_row.addWidget(self.stop_button)
        audio_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Adequacy (1–5):"), adequacy_row)
        form.addRow("", self.misleading)
        form.addRow(self.tr("Comment:"), self.comment)
        layout = QVBoxLayout(self)
        layout.addWidget(self.details, 1)
        layout.addLayout(audio_row)
        layout.addLayout(form)
        self.show_result(None, None)

    @property
    def phrase_id(self) -> str | None:
        return self._phrase_id

    def show_result(
        self, result: PhraseResult | None, rating: Rating | None, audio: str | None = None
    ) -> None:
        """Show ``result`` (None: nothing selected) with its rating and playable audio."""
        self._updating = True
        try:
            self._phrase_id = result.phrase_id if result else None
            self._audio = audio
            self.details.setHtml(self._details_html(result, audio) if result else "")
            rating = rating or Rating(rated_at="")
            self.adequacy_group.button(rating.adequacy or NOT_RATED).setChecked(True)
            self.misleading.setChecked(rating.misleading)
            self.comment.setText(rating.comment)
            for widget in (self.misleading, self.comment, *self.adequacy_group.buttons()):
                widget.setEnabled(result is not None)
            self.play_button.setEnabled(bool(audio))
            self.stop_button.setEnabled(bool(audio))
        finally:
            self._updating = False

    def current_rating(self) -> Rating:
        adequacy = self.adequacy_group.checkedId()
        return Rating(
            adequacy=adequacy if adequacy in ADEQUACY_SCALE else None,
            misleading=self.misleading.isChecked(),
            comment=self.comment.text().strip(),
        )

    def _emit(self) -> None:
        if not self._updating and self._phrase_id is not None:
            self.rating_changed.emit(self._phrase_id, self.current_rating())

    def _play(self) -> None:
        if self._audio:
            self.play_requested.emit(self._audio)

    def _details_html(self, result: PhraseResult, audio: str | None) -> str:
        esc = html.escape
        rows = [
            (self.tr("Phrase"), f"{esc(result.phrase_id)} · {esc(result.side)} · "
                                f"{esc(result.source_lang)}→{esc(result.target_lang)}"),
            (self.tr("Source"), esc(result.source_text)),
        ]  # fmt: skip
        if result.transcript is not None:
            rows.append((self.tr("Transcript"), esc(result.transcript)))
        if result.error:
            rows.append((self.tr("Error"), f"<span style='color:#b00'>{esc(result.error)}</span>"))
        else:
            rows.append((self.tr("Translation"), f"<b>{esc(result.translation)}</b>"))
        rows.append((self.tr("Reference(s)"), "<br>".join(esc(r) for r in result.references)))
        names = {"chrf": "chrF", "bleu": "BLEU"}
        scores = [f"{names[k]} {result.scores[k]:.1f}" for k in names if k in result.scores]
        if "wer" in result.scores:
            scores.append(f"WER {100 * result.scores['wer']:.1f} %")
        if scores:
            rows.append((self.tr("Scores"), esc(", ".join(scores))))
        terms = result.scores.get("glossary_terms") or []
        if terms:
            listing = ", ".join(
                f"{t['term']} → {t['expected']} {'✓' if t['ok'] else '✗'}" for t in terms
            )
            rows.append((self.tr("Glossary"), esc(listing)))
        if result.flags:
            rows.append((self.tr("Flags"), esc(", ".join(result.flags))))
        if audio:
            kind = self.tr("synthesized speech") if result.synthesized else self.tr("recording")
            rows.append((self.tr("Audio"), f"{esc(kind)}: {esc(audio)}"))
        cells = "".join(
            f"<tr><td style='padding-right:8px;color:#555'>{esc(label)}</td><td>{value}</td></tr>"
            for label, value in rows
        )
        return f"<table>{cells}</table>"

    def set_adequacy(self, value: int) -> None:
        """Rate the shown phrase 1-5 (0: not rated), as a click on that button would."""
        button = self.adequacy_group.button(value)
        if button is not None and button.isEnabled():
            button.click()
