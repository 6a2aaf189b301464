"""Assembling a listening session (model, audio source, recognizer, pipeline) from settings.

Shared by the CLI and the desk window so both run exactly the same code path. Loading
the model is slow: GUI callers run :func:`build_listening_session` off the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from interpreter.asr.language import LanguagePair
from interpreter.asr.whisper_engine import AsrOptions, WhisperEngine
from interpreter.audio.base import AudioSource
from interpreter.clock import StreamClock
from interpreter.events import Event
from interpreter.memory import release_free_memory
from interpreter.pipeline import Pipeline
from interpreter.server.config import ServerConfig
from interpreter.streaming import StreamingOptions, StreamingRecognizer
from interpreter.translate.engine import TranslationEngine
from interpreter.translate.glossary import Glossary
from interpreter.translate.worker import TranslationWorker

logger = logging.getLogger(__name__)

Loaded = TypeVar("Loaded")
Other = TypeVar("Other")


@dataclass(frozen=True)
class ListenSettings:
    pair: str = "fi-en"
    asr_model: str = "base"
    device: str | int | None = None
    replay: Path | None = None
    speed: float = 1.0
    mode: str = "auto"
    hotwords: list[str] = field(default_factory=list)
    threads: int = 0
    compute_device: str = "auto"
    #: A live session lets tentative updates overlap commits (see StreamingOptions).
    streaming: StreamingOptions = field(
        default_factory=lambda: StreamingOptions(overlap_decodes=True)
    )
    #: Local translation model folders by direction; others come from the models folder.
    mt_models: dict[tuple[str, str], Path] = field(default_factory=dict)
    glossary: Path | None = None
    translate: bool = True
    #: Let CTranslate2 use the translation models' vocabulary maps (faster; see models/vmap.py).
    translation_vmap: bool = True
    #: Threads of each translation model (0: half of Whisper's, see translation_threads).
    translation_threads: int = 0
    #: Translate tentative text too, at most this often per utterance (None: off).
    tentative_translation_seconds: float | None = None
    #: Silence appended to a replayed file, so the last utterance ends by a pause as it
    #: would live rather than by the end of the stream.
    replay_pad_seconds: float = 0.0
    #: The city's inference server (off unless configured); local models stay loaded as
    #: the fallback.
    server: ServerConfig | None = None


@dataclass
class ListeningSession:
    pipeline: Pipeline
    source: AudioSource
    engine: WhisperEngine
    source_is_live: bool
    translator: TranslationWorker | None = None
    server: object | None = None  # ServerConnection while a server is in use

    def start(self) -> None:
        logger.info(
            "session starts: %s, %s, translation %s",
            self.source.description,
            "live" if self.source_is_live else "replay",
            "on" if self.translator is not None else "off",
        )
        if self.translator is not None:
            self.translator.start()
        self.pipeline.start()

    def wait_and_close(self, timeout: float | None = None) -> None:
        """Wait for the pipeline's last event, then for the translations it asked for."""
        self.pipeline.wait(timeout)
        if self.translator is not None:
            self.translator.stop(timeout)
        if self.server is not None:
            self.server.close()


def load_engine(
    asr_model: str,
    threads: int = 0,
    compute_device: str = "auto",
    on_notice: Callable[[str], None] | None = None,
) -> WhisperEngine:
    """Find (or fetch) the Whisper model and load it."""
    from models.whisper import ModelError, resolve_whisper_model

    resolved = resolve_whisper_model(asr_model)
    if resolved.note and on_notice:
        on_notice(resolved.note)
    elif resolved.source == "offline-package" and on_notice:
        on_notice("Using Whisper base from the offline packages (no download needed).")
    try:
        return WhisperEngine(resolved.path, AsrOptions(device=compute_device, cpu_threads=threads))
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"Could not load ASR model from {resolved.path}: {exc}. Check that the folder "
            "holds a complete faster-whisper model, or choose another with --asr-model."
        ) from exc


def load_beside(
    background: Callable[[], Loaded] | None, foreground: Callable[[], Other]
) -> tuple[Loaded | None, Other]:
    """``foreground()`` on this thread while ``background()`` (if any) runs on another.

    For model loads: CTranslate2 reads and quantizes a model's weights without holding
    Python's lock, so Whisper and the translation models load side by side where the PC
    has two cores or more (docs/benchmarks.md, "Translation loaded beside Whisper"). The
    foreground's error is raised first; either way, both loads have ended when this
    returns.
    """
    if background is None:
        return None, foreground()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="model-load") as pool:
        pending = pool.submit(background)
        value = foreground()
        return pending.result(), value


def load_models(
    settings: ListenSettings,
    translation_pair: LanguagePair | None,
    glossary: Glossary | None,
    on_notice: Callable[[str], None] | None,
) -> tuple[dict[tuple[str, str], TranslationEngine] | None, WhisperEngine]:
    """Whisper, and the translation engines of ``translation_pair`` (if given) loaded
    beside it.

    The translation load's notices are told once both loads have succeeded: a start that
    fails says only why it failed.
    """
    notices: list[str] = []
    load_translation = None
    if translation_pair is not None:
        pair = translation_pair

        def load_translation() -> dict[tuple[str, str], TranslationEngine]:
            return load_translation_engines(settings, pair, glossary, notices.append)

    engines, engine = load_beside(
        load_translation,
        lambda: load_engine(
            settings.asr_model, settings.threads, settings.compute_device, on_notice
        ),
    )
    for text in notices if on_notice else ():
        on_notice(text)
    return engines, engine


#: Capture block of the live sources; short, so a pause is noticed within 20 ms.
_LIVE_BLOCK_SECONDS = 0.02


def build_source(settings: ListenSettings) -> tuple[AudioSource, bool]:
    """The replay source for a file, else the microphone; and whether it is live."""
    if settings.replay is not None:
        from interpreter.audio.replay import FileReplaySource

        if settings.speed < 0:
            raise ValueError("--speed must be 0 (as fast as possible) or a positive factor.")
        # Blocks as short as the microphone's: a pause is heard as early on both paths.
        replay = FileReplaySource(
            settings.replay,
            speed=settings.speed,
            block_seconds=_LIVE_BLOCK_SECONDS,
            pad_end_seconds=settings.replay_pad_seconds,
        )
        return replay, False
    from interpreter.audio.microphone import MicrophoneSource

    device = settings.device
    if isinstance(device, str) and device.strip().isdigit():
        device = int(device)
    return MicrophoneSource(device=device, block_seconds=_LIVE_BLOCK_SECONDS), True


def build_translator(
    settings: ListenSettings,
    pair: LanguagePair,
    glossary: Glossary | None,
    clock: StreamClock,
    on_event: Callable[[Event], None],
    on_notice: Callable[[str], None] | None = None,
    engines: Mapping[tuple[str, str], TranslationEngine] | None = None,
    server=None,
) -> TranslationWorker | None:
    """Engines for both directions of the pair, or None when no model is available.

    A model given explicitly must load (errors propagate); a direction with no model
    installed turns translation off for the session, with a notice saying why.
    ``engines``: already loaded engines by direction, used as they are. ``server``: a
    ``ServerConnection`` that translates first, the local engines (where installed) being
    its fallback.
    """
    if engines is None:
        engines = load_translation_engines(settings, pair, glossary, on_notice)
    if server is not None and server.config.serves_mt:
        directions = [(pair.staff, pair.client), (pair.client, pair.staff)]
        engines = server.translation_engines(directions, engines, glossary)
    if not engines:
        return None
    return TranslationWorker(pair, engines, clock, on_event, settings.tentative_translation_seconds)


def load_translation_engines(
    settings: ListenSettings,
    pair: LanguagePair,
    glossary: Glossary | None,
    on_notice: Callable[[str], None] | None = None,
) -> dict[tuple[str, str], TranslationEngine]:
    """The local engines of the pair's two directions that have a model, loaded side by
    side (their CTranslate2 loads run without Python's lock; their tokenizers do not).

    A model given explicitly must load (errors propagate); a direction with no model
    installed is left out, with a notice saying why (none where a server translates).
    """
    from interpreter.translate.base import TranslationError
    from interpreter.translate.loader import build_engine

    server = settings.server
    server_translates = server is not None and server.active and server.serves_mt

    def load(direction: tuple[str, str]) -> TranslationEngine | TranslationError:
        folder = settings.mt_models.get(direction)
        try:
            return build_engine(
                *direction,
                model_folder=folder,
                glossary=glossary,
                threads=translation_threads(settings),
                use_vmap=settings.translation_vmap,
            )
        except TranslationError as exc:
            if folder is not None:
                raise
            return exc

    directions = ((pair.staff, pair.client), (pair.client, pair.staff))
    with ThreadPoolExecutor(max_workers=len(directions), thread_name_prefix="mt-load") as pool:
        loads = [(direction, pool.submit(load, direction)) for direction in directions]
        engines: dict[tuple[str, str], TranslationEngine] = {}
        for direction, pending in loads:  # in order: the staff's direction's error first
            loaded = pending.result()
            if not isinstance(loaded, TranslationError):
                engines[direction] = loaded
            elif on_notice and not server_translates:
                on_notice(f"Translation {direction[0]}-{direction[1]} is off: {loaded}")
    return engines


def translation_threads(settings: ListenSettings) -> int:
    """Threads for each translation model while Whisper decodes on the same cores.

    Half of Whisper's threads, at least one: on a busy 2-core PC the threads of one
    translation wait on each other whenever Whisper holds a core: with one thread the
    dialogue benchmark's translations took about two thirds of the time they took with
    two (docs/benchmarks.md, "End of speech to final translation").
    """
    if settings.translation_threads > 0:
        return settings.translation_threads
    from interpreter.translate.backends import default_threads

    return max(1, (settings.threads or default_threads()) // 2)


def check_client_language(pair: LanguagePair) -> None:
    """Refuse a client language that Whisper does not know (a typo such as ``fi-xx``),
    naming the languages the desk translates."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    if pair.client in _LANGUAGE_CODES:
        return
    from models.translation_routes import TranslationCatalog

    translated = sorted(
        {p.split("-")[1] for p in TranslationCatalog.load().pairs if p[:3] == "fi-"}
    )
    raise ValueError(
        f"Unknown language '{pair.client}' in the pair {pair}. Pairs with translation: "
        f"{', '.join('fi-' + code for code in translated)}; with --no-translation, any "
        "language Whisper recognises (ISO 639-1 codes such as de, fr, pl)."
    )


def build_listening_session(
    settings: ListenSettings,
    on_notice: Callable[[str], None] | None = None,
    on_event: Callable[[Event], None] | None = None,
    *,
    engine: WhisperEngine | None = None,
    translation_engines: Mapping[tuple[str, str], TranslationEngine] | None = None,
    source: AudioSource | None = None,
    glossary: Glossary | None = None,
    playback_gate=None,
    on_server_status: Callable[[str], None] | None = None,
) -> ListeningSession:
    """Everything a conversation needs, loaded once. Events go to ``on_event`` (any
    thread) when given, else to the pipeline's queue (recognition events only).

    ``engine``, ``translation_engines`` and ``glossary`` are already loaded by the caller
    (a phrase-set run loads them once for many short sessions); otherwise they are loaded
    from ``settings``. ``source`` replaces the one ``settings`` describe (the desk window
    opens microphones through its own device list; it counts as live).
    ``playback_gate`` (a :class:`~interpreter.speech.gate.PlaybackGate`): the app speaks,
    so what the source hears of that speech is silenced before recognition.
    ``on_server_status`` hears which side recognises and translates when a server is
    configured (default: ``on_notice``).
    """
    pair = LanguagePair.parse(settings.pair)
    check_client_language(pair)
    if source is None:
        source, live = build_source(settings)  # before the models: bad input fails fast
    else:
        live = True
    if playback_gate is not None:
        from interpreter.speech.gate import GatedSource

        source = GatedSource(source, playback_gate)
    if glossary is None and settings.glossary:
        glossary = Glossary.load(settings.glossary)
    loads_models = engine is None or (settings.translate and translation_engines is None)
    if engine is None:
        with_translation = settings.translate and translation_engines is None
        loaded, engine = load_models(
            settings, pair if with_translation and on_event else None, glossary, on_notice
        )
        translation_engines = translation_engines if loaded is None else loaded
    server = None
    if settings.server is not None and settings.server.active:
        from interpreter.server.remote import ServerConnection

        server = ServerConnection(settings.server, on_status=on_server_status or on_notice)
        if settings.server.serves_asr:
            engine = server.asr_engine(engine)
    clock = StreamClock()
    recognizer = StreamingRecognizer(engine, pair, settings.streaming, clock=clock)
    recognizer.set_mode(settings.mode)
    hotwords = list(settings.hotwords)
    if glossary is not None:
        # The city's own terms bias recognition too.
        hotwords += glossary.terms(pair.staff) + glossary.terms(pair.client)
    recognizer.set_hotwords(list(dict.fromkeys(hotwords)))
    translator = None
    if settings.translate and on_event is not None:
        translator = build_translator(
            settings, pair, glossary, clock, on_event, on_notice, translation_engines, server
        )
    if translator is not None:
        sink, worker = on_event, translator

        def publish(event: Event) -> None:
            sink(event)
            worker.submit(event)

        pipeline = Pipeline(source, recognizer, clock=clock, on_event=publish)
    else:
        pipeline = Pipeline(source, recognizer, clock=clock, on_event=on_event)
    if server is not None:
        server.announce()
    if loads_models:
        # Loading a model reads and converts its file through buffers it then frees;
        # given back now, they do not stay in the desk's memory all day.
        release_free_memory()
    return ListeningSession(pipeline, source, engine, live, translator, server)
