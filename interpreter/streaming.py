"""The synchronous streaming core: insert audio, process, get events.

No threads here: the caller decides when to call :meth:`StreamingRecognizer.process`.
Each call runs the VAD over the new audio, handles the utterance boundaries it found and
then at most one recognition step for the open utterance. When compute falls behind,
more audio has arrived by the next call and the intermediate tentative updates are simply
not computed (counted in :attr:`StreamingRecognizer.stats`); commits never are skipped.
With ``overlap_decodes`` a tentative update's decode runs on a second engine worker and
a later call takes its result, so the words before a pause are decoded and committed
without waiting for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from interpreter.asr.decoding import PendingTentative, UtteranceDecoder
from interpreter.asr.language import LanguageChooser, LanguagePair
from interpreter.asr.level import raised, speech_gain
from interpreter.asr.results import Encoded, Hypothesis
from interpreter.asr.turn_handling import AUTO, TurnHandling
from interpreter.asr.turns import TurnLanguage
from interpreter.asr.utterance import PauseEncoding, RecognizerStats, Utterance
from interpreter.asr.whisper_engine import WhisperEngine
from interpreter.audio.base import SAMPLE_RATE
from interpreter.clock import StreamClock
from interpreter.events import (
    SIDES,
    CommittedText,
    Event,
    TentativeText,
)
from interpreter.segmenter import Boundary, Segmenter, silence_missing
from interpreter.streaming_options import StreamingOptions
from interpreter.vad import FRAME_SAMPLES, StreamingVad

logger = logging.getLogger(__name__)

_IDLE_HISTORY_SECONDS = 2.0  # kept while nobody speaks, for the utterance's pre-roll


class StreamingRecognizer(TurnHandling):
    """Turns a 16 kHz mono stream into utterance events for one conversation."""

    def __init__(
        self,
        engine: WhisperEngine,
        pair: LanguagePair,
        options: StreamingOptions | None = None,
        clock: Callable[[], float] | None = None,
        vad: StreamingVad | None = None,
    ) -> None:
        self.engine = engine
        self.pair = pair
        self.options = options or StreamingOptions()
        self._clock = clock or StreamClock()
        self._vad = vad or StreamingVad()
        self._segmenter = Segmenter(self.options.segmenter)
        self._chooser = LanguageChooser(pair, self.options.language)
        self._turns = TurnLanguage(self._chooser)
        self._mode = AUTO
        self._held_side: str | None = None
        self.stats = RecognizerStats()
        self._decoder = UtteranceDecoder(engine, self.stats)
        self._reset_stream()

    def _reset_stream(self) -> None:
        self._vad.reset()
        self._segmenter.reset()
        self._incoming: list[np.ndarray] = []
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start = 0  # stream sample index of self._buffer[0]
        self._next_id = 1
        self._utterance: Utterance | None = None
        self._pending: PendingTentative | None = None

    # -- commands -------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> list[Event]:
        """``auto`` (language identified within the pair), ``staff`` or ``client``.

        A change closes the open utterance first, so nothing already said is lost.
        """
        if mode != AUTO and mode not in SIDES:
            raise ValueError(f"Unknown speaker mode '{mode}'; use auto, staff or client.")
        events: list[Event] = []
        if mode != self._mode:
            events = self._close_open("speaker_switch")
            self._mode = mode
        return events

    def set_held_side(self, side: str | None) -> None:
        """The side whose push-to-talk is held: the fallback when detection is unsure."""
        if side is not None and side not in SIDES:
            raise ValueError(f"Unknown side '{side}'.")
        self._held_side = side

    def set_hotwords(self, terms: Sequence[str]) -> None:
        """Terms (e.g. glossary entries such as Kela, TE-toimisto) that bias recognition."""
        self._decoder.hotwords = tuple(t for t in (s.strip() for s in terms) if t)

    def reset(self) -> None:
        """Forget the conversation (next client). Open speech is discarded on purpose."""
        self._reset_stream()
        self._chooser.last_side = None

    # -- streaming ------------------------------------------------------------------
    @property
    def buffered_seconds(self) -> float:
        """Audio held for the open utterance (bounded by the maximum utterance length)."""
        return len(self._buffer) / SAMPLE_RATE

    def insert_audio(self, samples: np.ndarray) -> None:
        """Queue 16 kHz mono float32 samples; cheap, no processing."""
        if len(samples):
            self._incoming.append(np.asarray(samples, dtype=np.float32).reshape(-1))

    def process(self) -> list[Event]:
        """Handle all queued audio; at most one recognition step for the open utterance.

        Events of utterance boundaries (a commit at a pause, an utterance's end) are
        returned at once, without a step: a step's decode would hold them back for its
        whole duration. The step runs on the next call.
        """
        events = self._ingest()
        if self._utterance is not None and not events:
            events = self._step(self._utterance)
        self._trim_buffer()
        return events

    def finish(self) -> list[Event]:
        """End of stream: close the open utterance with everything captured."""
        return self._close_open("end_of_stream")

    # -- internals ------------------------------------------------------------------
    def _ingest(self) -> list[Event]:
        """VAD over the queued audio and the boundaries it causes; no tentative step."""
        events: list[Event] = []
        if self._incoming:
            chunk = np.concatenate(self._incoming)
            self._incoming = []
            self._buffer = np.concatenate([self._buffer, chunk])
            for boundary in self._segmenter.push(self._vad.process(chunk)):
                events += self._on_boundary(boundary)
        return events

    def _close_open(self, reason: str) -> list[Event]:
        events = self._ingest()
        boundary = self._segmenter.force_end(reason)
        if boundary is not None:
            # The forced end keeps every captured sample, not just whole VAD frames.
            end = self._buffer_start + len(self._buffer)
            events += self._on_boundary(Boundary(boundary.kind, end, boundary.speech_end, reason))
        return events

    def _step(self, utt: Utterance) -> list[Event]:
        """One recognition step for the open utterance, when one is due.

        A tentative update may still be running (``overlap_decodes``): its result is
        taken when it is ready, and a pause does not wait for it.
        """
        end = self._buffer_start + len(self._buffer)
        speech_end = self._segmenter.speech_end
        pause = self._segmenter.pause_seconds
        if self._voice_in_question(utt) and self._voice_changed(utt, end, False):
            # Another voice answered after a pause: the turn before it ends now, not at
            # the next decode or pause (its words were committed, or held, at the pause).
            return self._split_turn(utt, speech_end, "voice")
        if pause > 0.0:
            due = (
                pause >= self.options.speculative_pause_seconds
                and utt.hypothesis_speech_end < speech_end
                and utt.committed_through < speech_end
            )
            if due:
                return self._pause_step(utt, end, speech_end)
        pending = self._pending
        if pending is not None:
            if not pending.hypothesis.done():
                return []
            self._pending = None
            if pending.still_fits(utt):
                return self._tentative_result(utt, pending)
            logger.debug("dropped a tentative update overtaken by a commit")
            return []
        interval = int(self.options.tentative_interval_seconds * SAMPLE_RATE)
        if pause > 0.0 or end - utt.decoded_to < max(interval, self._compute_wait(utt)):
            return []
        if utt.decoded_to:
            self.stats.tentative_skipped += max(0, (end - utt.decoded_to) // interval - 1)
        started_at = self._clock()
        encoded = self._encode(utt, end)
        pending = PendingTentative.start(self._decoder, utt, encoded, end, speech_end, started_at)
        if self.options.overlap_decodes:
            self._pending = pending
            return []
        return self._tentative_result(utt, pending)

    def _voice_in_question(self, utt: Utterance) -> bool:
        """Whether the voice of the speech after the latest pause is judged at this step:
        pitch needs no decode, so a quick answer splits off as soon as it is heard. Not
        when the language is set (push-to-talk): then the side speaking is known."""
        if self._mode != AUTO or not self._credible(utt):
            return False
        return utt.held is not None or (utt.turn_candidate and bool(utt.commit.committed))

    def _compute_wait(self, utt: Utterance) -> int:
        """Samples of new audio the next tentative update waits for, by the share of
        time the previous one may take (see ``tentative_compute_share``)."""
        share = self.options.tentative_compute_share
        if share <= 0.0:
            return 0
        return int(utt.tentative_seconds / share * SAMPLE_RATE)

    def _pause_step(self, utt: Utterance, end: int, speech_end: int) -> list[Event]:
        """Followed by silence: the candidate for committing everything, ready to be
        committed whole when the pause is long enough.

        Met at its first silent frame, the audio is encoded at once and decoded once a
        later frame says the pause still holds: a dip inside speech costs the encoder
        alone, not also a beam search that would keep the recognizer busy when the speech
        really ends a moment later. The encoder takes longer than a frame, so a pause
        waits for nothing; met later (the recognizer was behind), it is decoded at once.
        """
        pause = utt.encoded_pause(speech_end)
        first_frame = self._segmenter.pause_seconds * SAMPLE_RATE < 2 * FRAME_SAMPLES
        if pause is None and first_frame:
            encoded = self._encode(utt, end, speech_end=speech_end)
            utt.pause_encoding = PauseEncoding(speech_end, self._segmenter.position, encoded)
            return []
        if pause is not None and self._segmenter.position <= pause.position:
            return []  # no frame heard since: whether the speech goes on is not known
        hypothesis = self._final_hypothesis(utt, end, speech_end)
        utt.tail = hypothesis.words
        utt.hypothesis_speech_end = speech_end
        utt.commit.remember(hypothesis.words)
        shown = hypothesis.text if self._credible(utt) else ""
        return self._tentative(utt, shown, end, speech_end)

    def _tentative_result(self, utt: Utterance, pending: PendingTentative) -> list[Event]:
        """Commit what the tentative hypotheses agree on; show the rest."""
        end, speech_end = pending.end, pending.speech_end
        hypothesis = self.engine.complete(pending.hypothesis)
        utt.tentative_seconds = max(0.0, self._clock() - pending.started_at)
        self._decoder.count(utt, pending.encoded, pending.lang, hypothesis, final=False)
        self._note_noise(utt, hypothesis)
        events: list[Event] = []
        change = self._turn_change(utt, end, final=False) if self._credible(utt) else None
        if change in ("split", "voice"):
            events += self._split_turn(utt, speech_end, change)
            utt = self._utterance
            assert utt is not None
            hypothesis = self._decode(utt, end, final=False, reuse=True)
        unsettled = self._mode == AUTO and not self._may_commit(utt)
        if hypothesis.looped or not self._credible(utt) or unsettled:
            # Never commit from a looping result, nor from audio that sounds like noise,
            # nor while the language may still change.
            newly, tail = [], hypothesis.words
            utt.commit.remember(tail)
            if not self._credible(utt):
                tail = []
        else:
            newly, tail = utt.commit.agree(hypothesis.words)
        utt.tail = tail
        if newly:
            self._note_committed(utt)
            events.append(self._event(CommittedText, utt, " ".join(newly), end, speech_end))
            self._trim_committed_audio(utt)
        return events + self._tentative(utt, " ".join(tail), end, speech_end)

    def _may_commit(self, utt: Utterance) -> bool:
        """Whether words may be committed mid-speech in the current language.

        The first words wait until the language is settled. Once the utterance has
        committed words, its speaker going on is the rule: more words follow unless the
        evidence leans to the other language (then they wait for the next pause, where a
        turn change is decided) or the words were held at a pause as a weak opening.
        """
        decision = utt.decision
        if decision is None or utt.held is not None:
            # A held opening waits until the voice after it is known (see _voice_changed).
            return False
        if not decision.fallback:
            return True
        return (
            bool(utt.commit.committed)
            and not utt.stretch_held
            and decision.probability >= self.options.language.continue_commit_probability
        )

    def _decode(
        self,
        utt: Utterance,
        end: int,
        final: bool,
        language: str | None = None,
        reuse: bool = False,
        whole: bool = False,
        bare: bool = False,
        speech_end: int | None = None,
    ) -> Hypothesis:
        """Decode the utterance's audio from ``audio_from`` (``whole``: from its start).

        ``reuse`` decodes the previous encoder output again (in ``language``); ``bare``
        leaves the committed words out; ``speech_end``: see :meth:`_encode`.
        """
        if reuse and utt.last_encoded is not None:
            encoded = utt.last_encoded
        else:
            encoded = self._encode(utt, end, whole, speech_end)
        assert utt.decision is not None
        lang = language or utt.decision.lang
        hypothesis = self._decoder.decode(utt, encoded, lang, final, bare=whole or bare)
        if not whole:
            self._note_noise(utt, hypothesis)
        return hypothesis

    def _encode(
        self, utt: Utterance, end: int, whole: bool = False, speech_end: int | None = None
    ) -> Encoded:
        """Encode the audio to ``end``; the language detector hears it while it is open.

        ``speech_end``: the audio ends in a pause after speech that ended there; silence
        makes up the part of ``pause_tail_seconds`` not heard yet.
        """
        start = utt.start if whole else utt.audio_from
        audio = self._buffer[start - self._buffer_start : end - self._buffer_start]
        # The level of the whole utterance so far, so a quiet last word is not raised
        # more than the words before it.
        heard = self._buffer[max(0, utt.start - self._buffer_start) : end - self._buffer_start]
        audio = raised(audio, speech_gain(heard, self.options.level))
        tail = self.options.pause_tail_seconds
        missing = 0 if speech_end is None else silence_missing(end, speech_end, tail)
        if missing:
            audio = np.concatenate([audio, np.zeros(missing, dtype=np.float32)])
        encoded = self._decoder.encode(audio)
        if not whole:
            if utt.pause_encoding is not None:
                self.stats.dips_not_decoded += 1
                logger.debug("utt %d: the speech went on; the dip was not decoded", utt.id)
                utt.pause_encoding = None
            if self._language_open(utt):
                if encoded.audio_seconds >= self.options.min_language_seconds:
                    scores = self.engine.language_scores(encoded)
                    utt.language.observe_detection(scores, encoded.audio_seconds)
                self._redecide(utt)
            utt.decoded_to = end
            utt.last_encoded = encoded
        return encoded

    def _move_audio_from(self, utt: Utterance, position: int) -> None:
        """Decoding resumes at ``position``: the audio before it is done with."""
        if position != utt.audio_from:
            utt.language.fold()
        utt.audio_from = position
        utt.last_encoded = None

    def _trim_committed_audio(self, utt: Utterance) -> None:
        """Move committed words from the forced prefix to the context, cutting their audio."""
        cut = self._decoder.committed_cut(utt, self.options.trim_after_words)
        if cut is not None:
            seconds, words = cut
            self._move_audio_from(utt, utt.audio_from + int(seconds * SAMPLE_RATE))
            utt.turn_candidate = False
            utt.context_words += words

    def _tentative(self, utt: Utterance, text: str, audio_end: int, speech_end: int):
        """A tentative event, unless it would show what is already shown."""
        if text == utt.shown_tentative:
            return []
        utt.shown_tentative = text
        return [self._event(TentativeText, utt, text, audio_end, speech_end)]

    def _credible(self, utt: Utterance) -> bool:
        """Whether the utterance sounds like speech to Whisper: one decode was sure it
        read speech (see ``GuardOptions.clear_speech_log_prob``), its voice was heard
        (see ``Utterance.voice_heard``), or not most of its decodes sound like noise (any
        other decode alone is too easily swayed either way)."""
        if utt.voice_heard or utt.speech_heard:
            return True
        votes = utt.noise_votes
        return bool(votes) and 2 * sum(votes) <= len(votes)

    def _event(self, kind, utt: Utterance, text: str, audio_end: int, speech_end: int):
        decision = utt.decision
        return kind(
            utterance_id=utt.id,
            side=decision.side if decision else None,
            lang=decision.lang if decision else None,
            text=text,
            audio_start=utt.start / SAMPLE_RATE,
            audio_end=audio_end / SAMPLE_RATE,
            speech_end=speech_end / SAMPLE_RATE,
            emitted_at=self._clock(),
        )

    def _trim_buffer(self) -> None:
        total = self._buffer_start + len(self._buffer)
        self.stats.audio_seconds = total / SAMPLE_RATE
        if self._utterance is not None:
            keep_from = self._utterance.start
        else:
            keep_from = total - int(_IDLE_HISTORY_SECONDS * SAMPLE_RATE)
        drop = keep_from - self._buffer_start
        if drop > 0:
            self._buffer = self._buffer[drop:].copy()
            self._buffer_start += drop
