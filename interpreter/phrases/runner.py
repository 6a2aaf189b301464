"""Running a phrase set through the desk's own pipeline, phrase by phrase.

Text mode translates each phrase's text with the engines ``interpreter translate``
uses (:func:`interpreter.translate.loader.build_engine`). Audio mode replays each
phrase's recording (or synthesized speech) through
:func:`interpreter.session.build_listening_session`, the desk's code path, with the
Whisper and translation models loaded once for the run. A run can be cancelled
between (and during) phrases and resumed from its JSON file.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from interpreter.asr.language import LanguagePair
from interpreter.phrases.format import Phrase, PhraseSet
from interpreter.phrases.machine import machine_info
from interpreter.phrases.metrics import phrase_scores
from interpreter.phrases.ratings import now_iso
from interpreter.phrases.results import MT_STAGE, STAGES, TOTAL, PhraseResult, RunResult
from interpreter.phrases.tts import TtsOptions
from interpreter.translate.engine import TranslationEngine
from interpreter.translate.glossary import Glossary

logger = logging.getLogger(__name__)

__all__ = ["PhraseResult", "RunOptions", "RunResult", "run_phrase_set"]

ProgressCallback = Callable[[int, int, PhraseResult], None]
#: Replayed audio runs at this pace unless told otherwise: only real time gives latencies
#: a listener would feel (the pipeline clock is the wall clock).
REAL_TIME = 1.0


@dataclass(frozen=True)
class RunOptions:
    """How to run a set. ``mt_models`` maps (src, tgt) to a model folder (others come
    from the installed catalog routes); ``glossary`` overrides the set's own.

    ``speed`` is the replay pace in audio mode: 1 (default) is real time and the only
    pace at which latencies are measured; 0 replays as fast as possible (quality only).
    ``mode``: ``auto`` identifies the language as the desk does; ``side`` fixes each
    phrase's side as push-to-talk would. ``tts_cache`` holds synthesized speech (None:
    the per-user cache folder).
    """

    pair: str
    audio: bool = False
    asr_model: str = "base"
    mt_models: dict[tuple[str, str], Path] = field(default_factory=dict)
    glossary: Path | None = None
    tts: TtsOptions = field(default_factory=TtsOptions)
    speed: float = REAL_TIME
    threads: int = 0
    mode: str = "auto"
    compute_device: str = "auto"
    backend: str = "ctranslate2"
    #: CTranslate2 restricts its output layer to the models' vocabulary maps.
    vmap: bool = True
    tts_cache: Path | None = None
    #: Silence after each recording, so utterances end by a pause as they would live.
    pad_seconds: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["mt_models"] = {f"{s}-{t}": str(p) for (s, t), p in self.mt_models.items()}
        for key in ("glossary", "tts_cache"):
            data[key] = str(data[key]) if data[key] is not None else None
        return data

    @property
    def measures_latency(self) -> bool:
        return not self.audio or self.speed == REAL_TIME


def target_language(phrase: Phrase, pair: LanguagePair) -> str | None:
    """The language the phrase is translated into within ``pair``, or None (not in it)."""
    if phrase.lang not in pair.languages:
        return None
    target = pair.client if phrase.lang == pair.staff else pair.staff
    return target if phrase.references.get(target) else None


def run_phrase_set(
    phrase_set: PhraseSet,
    options: RunOptions,
    *,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    resume: RunResult | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> RunResult:
    """Run every phrase of the set that belongs to ``options.pair``.

    ``on_progress(done, total, result)`` is called after each phrase (on this thread).
    Setting ``cancel`` stops after the current phrase (audio: at once, the phrase is
    dropped) and returns the partial result with ``cancelled=True``. ``resume`` is an
    earlier run of the same set and settings: its finished phrases are kept, not rerun.
    Loading models raises their own errors (``TranslationError``, ``ModelError``,
    ``GlossaryError``); a failing phrase gets its ``error`` and the run goes on.
    """
    pair = LanguagePair.parse(options.pair)
    cancel = cancel or threading.Event()
    todo, skipped = [], {}
    for phrase in phrase_set.phrases:
        target = target_language(phrase, pair)
        if target is None:
            skipped[phrase.id] = f"no {'-'.join(pair.languages)} reference for {phrase.lang}"
        else:
            todo.append((phrase, target))
    if not todo:
        raise ValueError(
            f"No phrase of {phrase_set.path} is in {options.pair}: the set's languages are "
            f"{' '.join(phrase_set.languages)}. Choose a pair with --pair."
        )
    kept = _resumable(resume, options, phrase_set) if resume is not None else {}
    glossary_path = options.glossary or phrase_set.glossary
    glossary = Glossary.load(glossary_path) if glossary_path else None
    directions = sorted({(p.lang, t) for p, t in todo})
    engines = _load_translation(directions, options, glossary)
    run = RunResult(
        set_name=phrase_set.name,
        set_path=str(phrase_set.path),
        options={**options.to_dict(), "glossary": str(glossary_path) if glossary_path else None},
        machine=machine_info(),
        models={"translation": {f"{s}-{t}": _describe_engine(e) for (s, t), e in engines.items()}},
        started_at=resume.started_at if resume is not None else now_iso(),
        finished_at="",
        results=[],
        ratings=dict(resume.ratings) if resume is not None else {},
        skipped=skipped,
        total_phrases=len(todo),
    )
    if not options.measures_latency:
        run.notes.append(
            f"Audio replayed at speed {options.speed:g}, not real time: latencies are not "
            "measured (run with --speed 1 for them)."
        )
    audio_runner = None
    if options.audio:
        from interpreter.phrases.audio_mode import AudioRunner

        audio_runner = AudioRunner(options, engines, glossary, on_notice)
        run.models["asr"] = audio_runner.describe()
    for index, (phrase, target) in enumerate(todo, start=1):
        if cancel.is_set():
            break
        result = kept.get(phrase.id)
        if result is None:
            if audio_runner is not None:
                result = audio_runner.run(phrase, target, cancel)
                if result is None:  # cancelled part-way: the phrase is not finished
                    break
            else:
                result = _translate_text(phrase, target, engines[(phrase.lang, target)])
            if result.error is None:
                result.scores = phrase_scores(result, glossary, audio=options.audio)
        run.results.append(result)
        if on_progress is not None:
            on_progress(index, len(todo), result)
    run.cancelled = len(run.results) < len(todo)
    run.notes += _synthesis_notes(run.results, options.tts)
    run.finished_at = now_iso()
    return run


def _resumable(
    resume: RunResult, options: RunOptions, phrase_set: PhraseSet
) -> dict[str, PhraseResult]:
    """Finished results of an earlier run that may stand in for this one's."""
    before = resume.options
    for key in ("pair", "audio", "asr_model", "speed", "mode"):
        now = options.to_dict()[key]
        if before.get(key) != now:
            raise ValueError(
                f"cannot resume: the earlier run used {key}={before.get(key)!r}, this one "
                f"{now!r}. Use the same settings, or start a new run without --resume."
            )
    ids = {p.id: p for p in phrase_set.phrases}
    return {
        r.phrase_id: r
        for r in resume.results
        if r.error is None and r.phrase_id in ids and ids[r.phrase_id].text == r.source_text
    }


def _load_translation(
    directions: list[tuple[str, str]], options: RunOptions, glossary: Glossary | None
) -> dict[tuple[str, str], TranslationEngine]:
    from interpreter.translate.loader import build_engine

    return {
        direction: build_engine(
            *direction,
            model_folder=options.mt_models.get(direction),
            glossary=glossary,
            prefer=options.backend,
            threads=options.threads,
            use_vmap=options.vmap,
        )
        for direction in directions
    }


def _describe_engine(engine: TranslationEngine) -> dict[str, Any]:
    paths = [getattr(getattr(step, "spec", None), "path", None) for step in engine.steps]
    folders = [str(Path(p).resolve()) if p else "" for p in paths]
    vmap = any(getattr(step, "use_vmap", False) for step in engine.steps)
    return {
        "route": engine.route_id,
        "backend": engine.backend_name,
        "vmap": vmap,
        "folders": folders,
    }


def _translate_text(phrase: Phrase, target: str, engine: TranslationEngine) -> PhraseResult:
    result = PhraseResult.empty(
        phrase,
        target,
        transcript=None,  # text mode: nothing is recognised
        audio=str(phrase.audio) if phrase.audio else None,
        route=engine.route_id,
        backend=engine.backend_name,
    )
    from interpreter.translate.base import TranslationError

    try:
        translated = engine.translate(phrase.text)
    except TranslationError as exc:
        result.error = str(exc)
        return result
    result.translation = translated.translation
    result.flags = tuple(translated.flags)
    seconds = translated.ms / 1000.0
    result.latency = {stage: None for stage in STAGES} | {MT_STAGE: seconds, TOTAL: seconds}
    return result


def _synthesis_notes(results: list[PhraseResult], tts: TtsOptions) -> list[str]:
    """Which phrases had synthesized speech, and from which command, per language."""
    counts: dict[str, int] = {}
    for result in results:
        if result.synthesized:
            counts[result.source_lang] = counts.get(result.source_lang, 0) + 1
    return [
        f"{count} {lang} phrase(s) had no recording: speech synthesized with "
        f"'{tts.describe(lang)}' (marked synthesized)."
        for lang, count in sorted(counts.items())
    ]
