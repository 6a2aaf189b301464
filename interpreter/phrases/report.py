"""The HTML report (one self-contained file) and the per-phrase CSV of a run."""

from __future__ import annotations

import csv
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
    provenance,
    table,
)
from interpreter.phrases.machine import describe_machine
from interpreter.phrases.metrics import summarize
from interpreter.phrases.ratings import summarize_ratings
from interpreter.phrases.results import ASR_STAGE, MT_STAGE, STAGES, TOTAL, RunResult

CSV_COLUMNS = (
    "phrase_id", "side", "source_lang", "target_lang", "source_text", "transcript",
    "translation", "references", "chrf", "bleu", "wer", "cer", "glossary_ok",
    "glossary_total", ASR_STAGE, MT_STAGE, TOTAL, "flags", "audio", "synthesized", "error",
    "adequacy", "misleading", "comment",
)  # fmt: skip
STAGE_LABELS = {
    ASR_STAGE: "end of speech → committed text",
    MT_STAGE: "committed text → translation",
    TOTAL: "end of speech → translation",
}


def write_csv(run: RunResult, path: Path | str) -> Path:
    """One row per phrase: texts, scores, latencies (seconds), flags and rating."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for r in run.results:
            rating = run.ratings.get(r.phrase_id)
            writer.writerow(
                [
                    r.phrase_id, r.side, r.source_lang, r.target_lang, r.source_text,
                    r.transcript or "", r.translation, " | ".join(r.references),
                    *(_fmt(r.scores.get(k)) for k in ("chrf", "bleu", "wer", "cer")),
                    r.scores.get("glossary_ok", ""), r.scores.get("glossary_total", ""),
                    *(_fmt(r.latency.get(s), 3) for s in STAGES),
                    ",".join(r.flags), r.audio or "", int(r.synthesized), r.error or "",
                    "" if rating is None or rating.adequacy is None else rating.adequacy,
                    "" if rating is None else int(rating.misleading),
                    "" if rating is None else rating.comment,
                ]
            )  # fmt: skip
    return path


def _fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def write_html(run: RunResult, path: Path | str) -> Path:
    """The whole report in one file: summary, figures, per-phrase table, provenance."""
    path = Path(path)
    summary = summarize(run)
    parts = [_header(run), _summary_tables(run, summary)]
    parts.append("<h2>Figures</h2>")
    parts.append(_latency_figure(run))
    parts.append(_score_figure(run))
    parts.append("<h2>Phrases</h2>")
    parts.append(_phrase_table(run))
    parts.append(_footer(run))
    path.write_text(page(f"Phrase set report: {run.set_name}", "".join(parts)), encoding="utf-8")
    return path


def _header(run: RunResult) -> str:
    status = (
        f'<p class="cancelled">Cancelled: {len(run.results)} of {run.total_phrases} phrases '
        "ran; the figures below cover only those.</p>"
        if run.cancelled
        else ""
    )
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in run.notes)
    skipped = ""
    if run.skipped:
        skipped = (
            f"<p>{len(run.skipped)} phrase(s) of the set are not in this pair and were "
            "left out.</p>"
        )
    return (
        f"<p>Set <b>{esc(run.set_name)}</b> ({esc(run.set_path)}), {esc(run.mode)} mode, "
        f"pair {esc(run.options.get('pair'))}; started {esc(run.started_at)}, finished "
        f"{esc(run.finished_at)}.</p>{status}{notes}{skipped}"
    )


def _summary_row(name: str, group: dict[str, Any], audio: bool) -> list[tuple[str, str]]:
    glossary = group.get("glossary")
    cells = [
        (esc(name), ""),
        (number(group["phrases"]), "num"),
        (number(group.get("chrf")), "num"),
        (number(group.get("bleu")), "num"),
    ]
    if audio:
        cells += [
            (number(_pct(group.get("wer")), 1, " %"), "num"),
            (number(_pct(group.get("cer")), 1, " %"), "num"),
        ]
    cells.append(
        (
            f"{glossary['ok']}/{glossary['total']} ({glossary['accuracy']:.0%})"
            if glossary
            else "–",
            "num",
        )
    )
    cells += [(number(group[k]), "num") for k in ("flagged", "untranslated", "failed")]
    for stage in STAGES if audio else (MT_STAGE,):
        lat = group["latency"][stage]
        cells.append((" / ".join(number(lat[k], 2) for k in ("p50", "p95", "max")), "num"))
    return cells


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


def _summary_tables(run: RunResult, summary: dict[str, Any]) -> str:
    audio = run.mode == "audio"
    headers = ["", "phrases", "chrF", "BLEU"]
    if audio:
        headers += ["WER", "CER"]
    headers += ["glossary terms", "flagged", "untranslated", "failed"]
    stages = STAGES if audio else (MT_STAGE,)
    headers += [f"{STAGE_LABELS[s]} p50/p95/max s" for s in stages]
    rows = [_summary_row(d, g, audio) for d, g in summary["directions"].items()]
    if len(summary["directions"]) > 1:
        rows.append(_summary_row("all", summary["total"], audio))
    signatures = sorted(
        {
            f"{kind}: {g[kind + '_signature']}"
            for g in summary["directions"].values()
            for kind in ("chrf", "bleu")
            if g.get(kind + "_signature")
        }
    )
    ratings = summarize_ratings(run)
    rated = ""
    if ratings["rated"]:
        rated = (
            f"<p>Tester ratings: {ratings['rated']} phrase(s) rated, mean adequacy "
            f"{number(ratings['mean_adequacy'], 2)} of 5, {ratings['misleading']} misleading.</p>"
        )
    text_note = (
        "" if audio else "<p>Text mode: the latency is the translation time of each phrase.</p>"
    )
    return (
        "<h2>Summary</h2>"
        + table(headers, rows, "summary")
        + text_note
        + "<p>sacrebleu signatures: "
        + "; ".join(esc(s) for s in signatures)
        + "</p>"
        + rated
    )


def _latency_figure(run: RunResult) -> str:
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    figure = new_figure(8, 4)
    axes = figure.add_subplot(1, 1, 1)
    stages = STAGES if run.mode == "audio" else (MT_STAGE,)
    series, labels = [], []
    for stage in stages:
        values = [r.latency.get(stage) for r in run.results if r.error is None]
        measured = [v for v in values if v is not None]
        if measured:
            series.append(measured)
            labels.append(STAGE_LABELS[stage])
    if series:
        # Shared bins, bars side by side: the stages can be compared bin by bin.
        edges = np.histogram_bin_edges(np.concatenate(series), bins=min(20, max(5, len(series[0]))))
        axes.hist(series, bins=edges, label=labels)
        axes.legend(fontsize=8)
    else:
        axes.text(0.5, 0.5, "no latencies measured", ha="center", va="center")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("seconds")
    axes.set_ylabel("phrases")
    axes.set_title(f"Latency per phrase ({run.mode} mode)")
    figure.subplots_adjust(bottom=0.22)
    return figure_html(figure, provenance(run), "latency histogram")


def _score_figure(run: RunResult) -> str:
    results = [r for r in run.results if r.error is None]
    figure = new_figure(*figure_size(len(results)))
    axes = figure.add_subplot(1, 1, 1)
    positions = range(len(results))
    axes.bar(positions, [r.scores.get("chrf", 0.0) for r in results], label="chrF", alpha=0.7)
    axes.plot(
        positions, [r.scores.get("bleu", 0.0) for r in results], "o", color="black", label="BLEU"
    )
    if run.mode == "audio":
        axes.plot(
            positions,
            [100 * r.scores["wer"] if "wer" in r.scores else float("nan") for r in results],
            "x",
            color="red",
            label="WER %",
        )
    axes.set_xticks(list(positions), [r.phrase_id for r in results], rotation=90, fontsize=6)
    wer = [100 * r.scores.get("wer", 0.0) for r in results]
    axes.set_ylim(0, max([105.0, *(w + 5 for w in wer)]))  # WER may pass 100 %
    axes.set_ylabel("score")
    axes.set_title("Scores per phrase")
    axes.legend(fontsize=8)
    figure.subplots_adjust(bottom=0.3)
    return figure_html(figure, provenance(run), "per-phrase scores")


def _phrase_table(run: RunResult) -> str:
    audio = run.mode == "audio"
    headers = ["id", "side", "direction", "source"]
    if audio:
        headers += ["transcript", "WER"]
    headers += ["reference(s)", "translation", "chrF", "BLEU", "glossary", "latency s", "flags"]
    headers += ["rating"]
    rows = []
    for r in run.results:
        cells = [
            (esc(r.phrase_id), ""),
            (esc(r.side), ""),
            (esc(f"{r.source_lang}→{r.target_lang}"), ""),
        ]
        source = esc(r.source_text)
        if r.synthesized:
            source += " <i>(synthesized speech)</i>"
        cells.append((source, ""))
        if audio:
            cells += [(esc(r.transcript), ""), (number(_pct(r.scores.get("wer"))), "num")]
        cells.append(("<br>".join(esc(ref) for ref in r.references), ""))
        translation = esc(r.translation)
        if r.error:
            translation = f'<span class="flag">error: {esc(r.error)}</span>'
        cells.append((translation, ""))
        cells += [(number(r.scores.get("chrf")), "num"), (number(r.scores.get("bleu")), "num")]
        terms = r.scores.get("glossary_terms") or []
        cells.append(
            (
                "<br>".join(
                    f"{esc(t['term'])} → {esc(t['expected'])} {'✓' if t['ok'] else '✗'}"
                    for t in terms
                ),
                "",
            )
        )
        cells.append(
            (
                " / ".join(number(r.latency.get(s), 2) for s in (STAGES if audio else (MT_STAGE,))),
                "num",
            )
        )
        cells.append((f'<span class="flag">{esc(", ".join(r.flags))}</span>', ""))
        rating = run.ratings.get(r.phrase_id)
        cells.append((_rating_html(rating), ""))
        rows.append(cells)
    legend = (
        "Latency: end of speech → committed / committed → translation / total, seconds."
        if audio
        else "Latency: translation time, seconds."
    )
    return table(headers, rows, "phrases") + f"<p>{legend}</p>"


def _rating_html(rating) -> str:
    if rating is None:
        return ""
    parts = []
    if rating.adequacy is not None:
        parts.append(f"{rating.adequacy}/5")
    if rating.misleading:
        parts.append('<span class="flag">misleading</span>')
    if rating.comment:
        parts.append(esc(rating.comment))
    return " ".join(parts)


def _footer(run: RunResult) -> str:
    libs = ", ".join(f"{k} {v}" for k, v in sorted(run.machine.get("libraries", {}).items()))
    return (
        "<footer><h2>Provenance</h2>"
        f"<p>Models: {esc(describe_models(run.models))}</p>"
        f"<p>Settings: {esc(describe_settings(run.options))}</p>"
        f"<p>Machine: {esc(describe_machine(run.machine))}; Python "
        f"{esc(run.machine.get('python'))}, interpreter {esc(run.machine.get('interpreter'))}; "
        f"{esc(libs)}</p></footer>"
    )
