"""Two runs of the same phrases side by side (e.g. two models or two settings).

Per phrase: chrF, BLEU, WER and total latency of each run and their difference, with
a verdict (``better``/``worse``/``same``) judged on chrF, which is stable on single
sentences; a difference under :data:`CHRF_MARGIN` points counts as the same. In total:
the corpus scores and latency percentiles of each run and their differences, per
direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interpreter.phrases.htmlkit import (
    describe_models,
    describe_settings,
    esc,
    figure_html,
    figure_size,
    new_figure,
    number,
    page,
    table,
)
from interpreter.phrases.machine import describe_machine
from interpreter.phrases.metrics import summarize
from interpreter.phrases.results import TOTAL, PhraseResult, RunResult

#: chrF points below which two translations count as equally good.
CHRF_MARGIN = 1.0
#: Totals compared: (key in the summary, label, True when higher is better).
TOTAL_FIGURES = (
    ("chrf", "chrF", True),
    ("bleu", "BLEU", True),
    ("wer", "WER", False),
    ("cer", "CER", False),
    ("flagged", "flagged", False),
    ("untranslated", "untranslated", False),
    ("failed", "failed", False),
)


@dataclass(frozen=True)
class PhraseComparison:
    phrase_id: str
    a: PhraseResult | None
    b: PhraseResult | None
    verdict: str  # better, worse, same, only in A, only in B, failed

    def delta(self, key: str) -> float | None:
        """B minus A of a score (``chrf``, ``bleu``, ``wer``, ``cer``) or ``latency``."""
        if self.a is None or self.b is None:
            return None
        if key == "latency":
            va, vb = self.a.latency.get(TOTAL), self.b.latency.get(TOTAL)
        else:
            va, vb = self.a.scores.get(key), self.b.scores.get(key)
        return None if va is None or vb is None else vb - va


@dataclass
class Comparison:
    a: RunResult
    b: RunResult
    phrases: list[PhraseComparison]
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Verdicts and deltas per phrase and the totals, for machines."""
        return {
            "a": {"set_name": self.a.set_name, "models": self.a.models, "options": self.a.options},
            "b": {"set_name": self.b.set_name, "models": self.b.models, "options": self.b.options},
            "counts": self.counts(),
            "totals": self.totals,
            "phrases": [
                {
                    "phrase_id": p.phrase_id,
                    "verdict": p.verdict,
                    "translation_a": p.a.translation if p.a else None,
                    "translation_b": p.b.translation if p.b else None,
                    **{f"delta_{k}": p.delta(k) for k in ("chrf", "bleu", "wer", "latency")},
                }
                for p in self.phrases
            ],
        }

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.phrases:
            counts[p.verdict] = counts.get(p.verdict, 0) + 1
        return counts


def _verdict(a: PhraseResult | None, b: PhraseResult | None) -> str:
    if a is None:
        return "only in B"
    if b is None:
        return "only in A"
    if a.error or b.error:
        return "failed"
    delta = b.scores.get("chrf", 0.0) - a.scores.get("chrf", 0.0)
    if delta >= CHRF_MARGIN:
        return "better"
    if delta <= -CHRF_MARGIN:
        return "worse"
    return "same"


def compare_runs(a: RunResult, b: RunResult) -> Comparison:
    """Match phrases by id (A's order, then B's extra ones) and difference the totals."""
    by_id_b = {r.phrase_id: r for r in b.results}
    ids = [r.phrase_id for r in a.results]
    ids += [i for i in by_id_b if i not in set(ids)]
    by_id_a = {r.phrase_id: r for r in a.results}
    phrases = [
        PhraseComparison(
            i, by_id_a.get(i), by_id_b.get(i), _verdict(by_id_a.get(i), by_id_b.get(i))
        )
        for i in ids
    ]
    sa, sb = summarize(a)["directions"], summarize(b)["directions"]
    totals: dict[str, dict[str, Any]] = {}
    for direction in sorted(set(sa) | set(sb)):
        ga, gb = sa.get(direction, {}), sb.get(direction, {})
        row: dict[str, Any] = {}
        for key, _label, _higher in TOTAL_FIGURES:
            va, vb = ga.get(key), gb.get(key)
            row[key] = {"a": va, "b": vb, "delta": None if va is None or vb is None else vb - va}
        la = (ga.get("latency") or {}).get(TOTAL, {})
        lb = (gb.get("latency") or {}).get(TOTAL, {})
        for q in ("p50", "p95", "max"):
            va, vb = la.get(q), lb.get(q)
            row[f"latency_{q}"] = {
                "a": va, "b": vb, "delta": None if va is None or vb is None else vb - va
            }  # fmt: skip
        totals[direction] = row
    return Comparison(a, b, phrases, totals)


def _delta_cell(delta: float | None, higher_is_better: bool, digits: int = 1) -> tuple[str, str]:
    if delta is None:
        return "–", "num"
    good = delta > 0 if higher_is_better else delta < 0
    css = "num" if abs(delta) < 1e-9 else f"num {'better' if good else 'worse'}"
    return f"{delta:+.{digits}f}", css


def write_compare_html(comparison: Comparison, path: Path | str) -> Path:
    """Totals with deltas, a per-phrase chrF plot and the per-phrase table, highlighted."""
    path = Path(path)
    a, b = comparison.a, comparison.b
    body = [
        "<h2>Runs</h2>",
        table(
            ["", "set", "models", "settings", "machine", "started"],
            [
                [
                    (esc(name), ""),
                    (esc(run.set_name), ""),
                    (esc(describe_models(run.models)), ""),
                    (esc(describe_settings(run.options)), ""),
                    (esc(describe_machine(run.machine)), ""),
                    (esc(run.started_at), ""),
                ]
                for name, run in (("A", a), ("B", b))
            ],
        ),
    ]
    body.append("<h2>Totals (B − A)</h2>")
    rows = []
    for direction, row in comparison.totals.items():
        for key, label, higher in TOTAL_FIGURES:
            item = row[key]
            if item["a"] is None and item["b"] is None:
                continue
            scale = 100 if key in ("wer", "cer") else 1
            rows.append(
                [
                    (esc(direction), ""),
                    (esc(label + (" %" if scale == 100 else "")), ""),
                    (number(_scaled(item["a"], scale)), "num"),
                    (number(_scaled(item["b"], scale)), "num"),
                    _delta_cell(_scaled(item["delta"], scale), higher),
                ]
            )
        for q in ("p50", "p95", "max"):
            item = row[f"latency_{q}"]
            rows.append(
                [
                    (esc(direction), ""),
                    (esc(f"latency {q} s"), ""),
                    (number(item["a"], 2), "num"),
                    (number(item["b"], 2), "num"),
                    _delta_cell(item["delta"], False, 2),
                ]
            )
    body.append(table(["direction", "figure", "A", "B", "B − A"], rows, "totals"))
    counts = comparison.counts()
    body.append(
        "<p>Per phrase (chrF, margin "
        f"{CHRF_MARGIN:g}): "
        + ", ".join(f"{esc(k)}: {v}" for k, v in sorted(counts.items()))
        + "</p>"
    )
    body.append(_delta_figure(comparison))
    body.append("<h2>Phrases</h2>")
    body.append(_phrase_rows(comparison))
    path.write_text(page(f"Comparison: {a.set_name} — A vs B", "".join(body)), encoding="utf-8")
    return path


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else value * scale


def _phrase_rows(comparison: Comparison) -> str:
    headers = ["id", "verdict", "source", "reference", "translation A", "translation B"]
    headers += ["chrF A", "chrF B", "Δ chrF", "Δ BLEU", "Δ latency s"]
    rows = []
    for p in comparison.phrases:
        any_result = p.a or p.b
        assert any_result is not None
        css = {"better": "better", "worse": "worse"}.get(p.verdict, "")
        rows.append(
            [
                (esc(p.phrase_id), ""),
                (esc(p.verdict), css),
                (esc(any_result.source_text), ""),
                ("<br>".join(esc(r) for r in any_result.references), ""),
                (esc(p.a.translation if p.a else ""), ""),
                (esc(p.b.translation if p.b else ""), css),
                (number(p.a.scores.get("chrf") if p.a else None), "num"),
                (number(p.b.scores.get("chrf") if p.b else None), "num"),
                _delta_cell(p.delta("chrf"), True),
                _delta_cell(p.delta("bleu"), True),
                _delta_cell(p.delta("latency"), False, 2),
            ]
        )
    return table(headers, rows, "phrases")


def _delta_figure(comparison: Comparison) -> str:
    both = [p for p in comparison.phrases if p.delta("chrf") is not None]
    figure = new_figure(*figure_size(len(both)))
    axes = figure.add_subplot(1, 1, 1)
    deltas = [p.delta("chrf") or 0.0 for p in both]
    colours = ["#3a9a3a" if d >= CHRF_MARGIN else "#c03030" if d <= -CHRF_MARGIN else "#999"
               for d in deltas]  # fmt: skip
    axes.bar(range(len(both)), deltas, color=colours)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_xticks(range(len(both)), [p.phrase_id for p in both], rotation=90, fontsize=6)
    axes.set_ylabel("chrF B − A")
    axes.set_title("Per-phrase chrF difference (green: B better, red: B worse)")
    figure.subplots_adjust(bottom=0.35)
    a, b = comparison.a, comparison.b
    caption = (
        f"A: {describe_models(a.models)}; {describe_settings(a.options)}; "
        f"{describe_machine(a.machine)} | B: {describe_models(b.models)}; "
        f"{describe_settings(b.options)}; {describe_machine(b.machine)}"
    )
    return figure_html(figure, caption, "per-phrase chrF difference")
