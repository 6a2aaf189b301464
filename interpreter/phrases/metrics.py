"""Scores of a run, from sacrebleu and jiwer (never re-implemented here).

* chrF and BLEU (sacrebleu defaults: chrF2 with character 6-grams, BLEU with the 13a
  tokenizer; sentence BLEU with effective order) against all of a phrase's references
  in the target language; corpus figures per direction, with sacrebleu's signature.
* WER and CER (audio mode) of the transcript against the phrase text, both normalised
  by :func:`interpreter.textnorm.normalise_for_wer`.
* Glossary terms: for each glossary term found in the source text (inflections
  included) that has a rendering in the target language, whether that rendering occurs
  in the translation (``=``: the Finnish term itself).
* Latency p50/p95/max per stage, and counts of flagged, untranslated and failed phrases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import jiwer
import numpy as np
from sacrebleu.metrics import BLEU, CHRF

from interpreter.phrases.results import STAGES, PhraseResult
from interpreter.textnorm import normalise_for_wer
from interpreter.translate.glossary import Glossary

if TYPE_CHECKING:
    from interpreter.phrases.results import RunResult

#: Flags that mean the translation shown is not a translation.
UNTRANSLATED_FLAGS = ("untranslated", "no_speech")


def sentence_chrf(hypothesis: str, references: Sequence[str]) -> float:
    return CHRF().sentence_score(hypothesis, list(references)).score


def sentence_bleu(hypothesis: str, references: Sequence[str]) -> float:
    return BLEU(effective_order=True).sentence_score(hypothesis, list(references)).score


def _reference_streams(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """sacrebleu's layout: one stream per reference slot, None where a phrase has fewer."""
    depth = max((len(refs) for refs in references), default=0)
    return [[refs[i] if i < len(refs) else None for refs in references] for i in range(depth)]


def corpus_scores(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Corpus chrF and BLEU with their sacrebleu signatures."""
    streams = _reference_streams(references)
    chrf, bleu = CHRF(), BLEU()
    chrf_score = chrf.corpus_score(list(hypotheses), streams)
    bleu_score = bleu.corpus_score(list(hypotheses), streams)
    return {
        "chrf": chrf_score.score,
        "bleu": bleu_score.score,
        "chrf_signature": str(chrf.get_signature()),
        "bleu_signature": str(bleu.get_signature()),
    }


def word_error_rate(reference: str | list[str], hypothesis: str | list[str]) -> float:
    return jiwer.wer(_normalised(reference), _normalised(hypothesis))


def character_error_rate(reference: str | list[str], hypothesis: str | list[str]) -> float:
    return jiwer.cer(_normalised(reference), _normalised(hypothesis))


def _normalised(text: str | list[str]) -> str | list[str]:
    if isinstance(text, str):
        return normalise_for_wer(text)
    return [normalise_for_wer(t) for t in text]


def glossary_terms(
    glossary: Glossary | None, source: str, source_lang: str, translation: str, target: str
) -> list[dict[str, Any]]:
    """Each glossary term in ``source`` with a rule for ``target``: expected and found."""
    if glossary is None:
        return []
    rendered = {m.entry.fi for m in glossary.find(translation, target)}
    checked: list[dict[str, Any]] = []
    seen: set[str] = set()
    for match in glossary.find(source, source_lang):
        entry = match.entry
        expected = entry.rendering(target)
        if expected is None or entry.rendering(source_lang) is None or entry.fi in seen:
            continue
        seen.add(entry.fi)
        checked.append({"term": match.surface, "expected": expected, "ok": entry.fi in rendered})
    return checked


def phrase_scores(
    result: PhraseResult, glossary: Glossary | None, *, audio: bool
) -> dict[str, Any]:
    """Per-phrase metrics stored in ``result.scores``."""
    refs = list(result.references)
    scores: dict[str, Any] = {
        "chrf": sentence_chrf(result.translation, refs),
        "bleu": sentence_bleu(result.translation, refs),
    }
    if audio:
        transcript = result.transcript or ""
        if normalise_for_wer(result.source_text):
            scores["wer"] = word_error_rate(result.source_text, transcript)
            scores["cer"] = character_error_rate(result.source_text, transcript)
    terms = glossary_terms(
        glossary, result.source_text, result.source_lang, result.translation, result.target_lang
    )
    if terms:
        scores["glossary_terms"] = terms
        scores["glossary_ok"] = sum(t["ok"] for t in terms)
        scores["glossary_total"] = len(terms)
    return scores


def latency_summary(values: Iterable[float | None]) -> dict[str, float | int | None]:
    """p50, p95 and max of the measured values (None ones are left out)."""
    measured = np.array([v for v in values if v is not None], dtype=float)
    if measured.size == 0:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    return {
        "n": int(measured.size),
        "p50": float(np.percentile(measured, 50)),
        "p95": float(np.percentile(measured, 95)),
        "max": float(measured.max()),
    }


def _group_summary(results: list[PhraseResult], audio: bool) -> dict[str, Any]:
    scored = [r for r in results if r.error is None]
    summary: dict[str, Any] = {
        "phrases": len(results),
        "failed": len(results) - len(scored),
        "flagged": sum(bool(r.flags) for r in scored),
        "untranslated": sum(any(f in UNTRANSLATED_FLAGS for f in r.flags) for r in scored),
        "synthesized": sum(r.synthesized for r in results),
    }
    if scored:
        summary.update(
            corpus_scores([r.translation for r in scored], [r.references for r in scored])
        )
        if audio:
            summary["wer"] = word_error_rate(
                [r.source_text for r in scored], [r.transcript or "" for r in scored]
            )
            summary["cer"] = character_error_rate(
                [r.source_text for r in scored], [r.transcript or "" for r in scored]
            )
    total = sum(r.scores.get("glossary_total", 0) for r in scored)
    if total:
        ok = sum(r.scores.get("glossary_ok", 0) for r in scored)
        summary["glossary"] = {"ok": ok, "total": total, "accuracy": ok / total}
    summary["latency"] = {
        stage: latency_summary(r.latency.get(stage) for r in scored) for stage in STAGES
    }
    return summary


def summarize(run: RunResult) -> dict[str, Any]:
    """Totals of the whole run and per direction (``fi-en``, ``en-fi``)."""
    audio = run.mode == "audio"
    directions: dict[str, list[PhraseResult]] = {}
    for result in run.results:
        directions.setdefault(f"{result.source_lang}-{result.target_lang}", []).append(result)
    overall = _group_summary(run.results, audio)
    # BLEU and chrF over two target languages at once mean nothing: only per direction.
    for key in ("chrf", "bleu", "chrf_signature", "bleu_signature"):
        if len(directions) > 1:
            overall.pop(key, None)
    return {
        "total": overall,
        "directions": {d: _group_summary(rs, audio) for d, rs in sorted(directions.items())},
    }
