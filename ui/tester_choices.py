"""The Tester tab's choices for a run and its results view: the language pair and the
translation model of each direction, the options a run is started with, the selected
result and the tester's ratings.

A mixin of :class:`ui.tester_tab.TesterTab`, kept apart to keep the tab's module short. It
uses the tab's ``settings``, ``controls``, ``pair_combo``, ``model_edits``,
``audio_check``, ``table``, ``model``, ``rating_panel``, ``ratings``, ``run``,
``phrase_set`` and ``_save_timer``.
"""

from __future__ import annotations

from pathlib import Path

from interpreter.phrases.ratings import Rating
from ui.tester_model import COLUMNS


class RunChoicesMixin:
    """Run options and the results view of the Tester tab (see the module docstring)."""

    # ---- run options --------------------------------------------------------------------

    def _pair_chosen(self, pair: str) -> None:
        if not pair:
            return
        self.settings.pair = pair
        self.controls.show_directions(pair)
        for key, direction in self.controls.directions(pair).items():
            self.model_edits[key].setText(self.settings.model_folder(direction))

    def _remember_models(self) -> None:
        pair = self.pair_combo.currentText()
        for key, direction in self.controls.directions(pair).items():
            self.settings.set_model_folder(direction, self.model_edits[key].text().strip())

    def run_options(self):
        """The RunOptions the tab's controls describe."""
        from interpreter.phrases.runner import REAL_TIME, RunOptions

        pair = self.pair_combo.currentText()
        models = {}
        for key, direction in self.controls.directions(pair).items():
            folder = self.model_edits[key].text().strip()
            if folder:
                source, target = direction.split("-")
                models[(source, target)] = Path(folder)
        self.settings.asr_model = self.controls.asr_edit.text().strip() or "base"
        fast = self.audio_check.isChecked() and self.controls.fast_check.isChecked()
        return RunOptions(
            pair=pair,
            audio=self.audio_check.isChecked(),
            asr_model=self.settings.asr_model,
            mt_models=models,
            speed=0.0 if fast else REAL_TIME,
            mode="side" if self.controls.side_check.isChecked() else "auto",
        )

    # ---- results ------------------------------------------------------------------------

    def _replace_results(self, results: list, ratings: dict[str, Rating]) -> None:
        """Show ``results``, keeping the selected phrase selected where it is still there."""
        selected = self.rating_panel.phrase_id
        self.ratings = dict(ratings)
        audio = self.run.mode == "audio" if self.run is not None else self.audio_check.isChecked()
        self.table.setColumnHidden(COLUMNS.index("transcript"), not audio)
        self.model.set_results(results, self.ratings)
        self.rating_panel.show_result(None, None)
        if results:
            self.table.selectRow(max(0, self.model.row_of(selected or "")))

    def _show(self, index) -> None:
        result = self.model.result(index.row())
        audio = result.audio if result is not None else None
        if result is not None and audio is None and self.phrase_set is not None:
            phrase = {p.id: p for p in self.phrase_set.phrases}.get(result.phrase_id)
            audio = str(phrase.audio) if phrase is not None and phrase.audio else None
        rating = self.ratings.get(result.phrase_id) if result is not None else None
        self.rating_panel.show_result(result, rating, audio)

    def set_rating(self, phrase_id: str, rating: Rating) -> None:
        """Record the tester's rating; saved with the run shortly after."""
        if rating.adequacy is None and not rating.misleading and not rating.comment:
            self.ratings.pop(phrase_id, None)
        else:
            self.ratings[phrase_id] = rating
        self.model.rating_changed(phrase_id)
        if self.run is not None:
            self._save_timer.start()
