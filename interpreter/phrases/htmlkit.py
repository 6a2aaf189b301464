"""Small helpers shared by the HTML reports: escaping, tables, embedded figures, captions.

Figures are drawn with matplotlib's object API on the Agg canvas (no pyplot state, no
display needed) and embedded as base64 PNG, so a report is one self-contained file.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from interpreter.phrases.machine import describe_machine

CSS = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.better { background: #d8f3d8; }
.worse { background: #f8d4d4; }
.flag { color: #a40000; font-weight: bold; }
.note { background: #fff6d5; padding: 0.4em 0.6em; border-left: 4px solid #e0b000; }
.cancelled { background: #f8d4d4; padding: 0.4em 0.6em; border-left: 4px solid #a40000; }
figure { margin: 1em 0; }
figcaption, footer { font-size: 0.85em; color: #444; }
"""


def esc(value: Any) -> str:
    """HTML-escaped text of any value (None: empty)."""
    return "" if value is None else escape(str(value), quote=True)


def number(value: float | int | None, digits: int = 1, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value}{suffix}"
    return f"{value:.{digits}f}{suffix}"


def table(headers: Sequence[str], rows: Iterable[Sequence[tuple[str, str]]], css: str = "") -> str:
    """``rows`` of (already escaped html, css class) cells under escaped ``headers``."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="{c}">{html}</td>' for html, c in row) + "</tr>"
        for row in rows
    )
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def new_figure(width: float = 8.0, height: float = 4.0):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def figure_size(phrases: int) -> tuple[float, float]:
    """Inches for a per-phrase plot: wide enough for the ids, at most a wide screen."""
    return min(24.0, max(8.0, 0.2 * phrases + 2)), 4.5


def figure_html(figure, caption: str, alt: str) -> str:
    """The figure as an embedded PNG with its caption; the caption is also drawn into
    the image, so a copied picture still says where it came from."""
    figure.text(0.01, 0.005, caption, fontsize=6, color="#555", wrap=True, va="bottom")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure><img alt="{esc(alt)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def describe_models(models: dict[str, Any]) -> str:
    """One line naming the recognition and translation models with their backends."""
    parts = []
    asr = models.get("asr")
    if asr:
        parts.append(
            f"Whisper {asr.get('model')} ({asr.get('path')}, {asr.get('device')} "
            f"{asr.get('compute_type')})"
        )
    for direction, mt in sorted((models.get("translation") or {}).items()):
        folders = ", ".join(f for f in mt.get("folders", []) if f)
        backend = f"{mt.get('backend')}{', vocabulary map' if mt.get('vmap') else ''}"
        parts.append(f"{direction}: {mt.get('route')} [{backend}] {folders}".strip())
    return "; ".join(parts) or "no models recorded"


def describe_settings(options: dict[str, Any]) -> str:
    mode = "audio" if options.get("audio") else "text"
    parts = [f"pair {options.get('pair')}", f"{mode} mode"]
    if options.get("audio"):
        speed = options.get("speed")
        pace = "real time" if speed == 1.0 else f"speed {speed}"
        parts += [pace, f"language {options.get('mode')}"]
    if options.get("glossary"):
        parts.append(f"glossary {options['glossary']}")
    parts.append(f"threads {options.get('threads') or 'all'}")
    return ", ".join(parts)


def provenance(run_like: Any) -> str:
    """Models, settings and machine of a run, for captions and footers."""
    return (
        f"{run_like.set_name} | models: {describe_models(run_like.models)} | settings: "
        f"{describe_settings(run_like.options)} | machine: {describe_machine(run_like.machine)}"
    )


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1>{body}</body></html>\n"
    )
