"""What the streaming recognizer does at utterance boundaries and turn changes.

A pause commits what was said before it; the end of an utterance closes it. At either,
the language evidence, or a different voice, may say that the speech after a pause is
the other side answering (the utterance is split there); the language evidence may also
say that the committed words were read in the wrong language (the utterance is revised).
The readings that feed the language evidence are in :mod:`interpreter.asr.readings`.

:class:`TurnHandling` is a part of :class:`~interpreter.streaming.StreamingRecognizer`,
kept in its own module for size; it works on the recognizer's state.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from interpreter.asr.commit import CommitState
from interpreter.asr.decoding import UtteranceDecoder
from interpreter.asr.guards import is_silence_phrase
from interpreter.asr.language import LanguageChooser, LanguagePair
from interpreter.asr.readings import AUTO, LanguageReadings
from interpreter.asr.turns import TurnChange, TurnLanguage
from interpreter.asr.utterance import (
    CUT_MARGIN_SAMPLES,
    HeldOpening,
    RecognizerStats,
    Utterance,
)
from interpreter.asr.voice import PitchTrack, speaker_change_probability
from interpreter.asr.whisper_engine import WhisperEngine
from interpreter.audio.base import SAMPLE_RATE
from interpreter.events import (
    CommittedText,
    Event,
    RevisedText,
    UtteranceEnded,
    UtteranceStarted,
)
from interpreter.logs import conversation_logger
from interpreter.segmenter import Boundary, BoundaryKind
from interpreter.streaming_options import StreamingOptions

logger = logging.getLogger(__name__)
text_log = conversation_logger(__name__)

MIN_DECODE_SAMPLES = SAMPLE_RATE // 10


class TurnHandling(LanguageReadings):
    """Commits at pauses, utterance ends, turn splits, revisions and language readings."""

    # The recognizer's state these methods work on (set by its constructor).
    engine: WhisperEngine
    pair: LanguagePair
    options: StreamingOptions
    stats: RecognizerStats
    _chooser: LanguageChooser
    _turns: TurnLanguage
    _decoder: UtteranceDecoder
    _mode: str
    _held_side: str | None
    _utterance: Utterance | None
    _next_id: int
    _buffer: np.ndarray
    _buffer_start: int

    def _on_boundary(self, boundary: Boundary) -> list[Event]:
        if boundary.kind is BoundaryKind.START:
            start = max(boundary.sample, self._buffer_start)
            # The first tentative update waits for an update interval of audio (the
            # pre-roll included), not for the VAD's start decision: how much speech
            # that decision needs must not change what is decoded and when.
            utt = Utterance(
                self._next_id, start, self._chooser.evidence(), audio_from=start, decoded_to=start
            )
            utt.commit.agreement = self.options.agreement
            utt.stretch_start = start
            self._next_id += 1
            self._utterance = utt
            if self._mode != AUTO:
                utt.decision = self._chooser.forced(self._mode)
            return [self._event(UtteranceStarted, utt, "", boundary.sample, boundary.speech_end)]
        utt = self._utterance
        if utt is None:
            return []
        if boundary.kind is BoundaryKind.PAUSE:
            return self._commit_through(utt, boundary.speech_end, boundary.sample, pause=True)
        events = self._commit_through(utt, boundary.speech_end, boundary.sample)
        # The speech after a pause may have turned out to be the other side's turn.
        utt = self._utterance or utt
        self._utterance = None
        return [*events, self._ended(utt, boundary.sample, boundary.speech_end, boundary.reason)]

    def _ended(self, utt: Utterance, audio_end: int, speech_end: int, reason: str) -> Event:
        decision = utt.decision
        text = utt.commit.committed_text
        if text and decision is not None:
            self._chooser.remember(decision.side)
        ended = self._event(UtteranceEnded, utt, text, audio_end, speech_end)
        if decision is not None:
            ended = replace(
                ended,
                language_probability=round(decision.probability, 3),
                language_fallback=decision.fallback,
            )
        ended = replace(ended, asr_backend=self.engine.backend_name)
        logger.info(
            "utterance %d (%s, %s): %d words, %.1f s of audio",
            utt.id,
            ended.lang,
            reason,
            len(text.split()),
            ended.audio_end - ended.audio_start,
        )
        text_log.debug("utterance %d: %s", utt.id, text)
        return ended

    def _commit_through(
        self, utt: Utterance, speech_end: int, position: int, pause: bool = False
    ) -> list[Event]:
        """Commit every word spoken up to ``speech_end`` (a pause or the end).

        At a ``pause``, an utterance's opening words whose language is still a weak
        guess are held instead (see :meth:`_holds_opening`)."""
        if utt.committed_through >= speech_end:
            return []
        end = max(speech_end, min(position, self._buffer_start + len(self._buffer)))
        if utt.hypothesis_speech_end < speech_end:
            # No ready hypothesis covers this speech: decode now, audio up to the boundary.
            too_short = end - utt.audio_from < MIN_DECODE_SAMPLES
            utt.tail = [] if too_short else self._final_hypothesis(utt, end, speech_end).words
        events: list[Event] = []
        read_whole = False  # a revision read the whole utterance: nothing is left unread
        change = self._turn_change(utt, end, final=True) if self._credible(utt) else None
        if change in ("split", "voice"):
            events += self._split_turn(utt, speech_end, change)
            utt = self._utterance
            assert utt is not None
            utt.tail = self._decode(utt, end, final=True, reuse=True, speech_end=speech_end).words
        elif change == "revise":
            revised = self._whole_reading(utt, end, speech_end)
            if revised is not None:
                events.append(self._revise(utt, revised, position, speech_end))
                utt.tail, read_whole = [], True
        credible = self._credible(utt)
        tail = utt.tail if credible else []
        if not utt.commit.committed and tail and is_silence_phrase(" ".join(tail)):
            logger.info("dropped a known silence phrase (utterance %d)", utt.id)
            text_log.debug("silence phrase dropped: %s", " ".join(tail))
            credible, tail = False, []
        if pause and credible and tail and self._holds_opening(utt, speech_end):
            # Shown as they are; decoded again with what follows, and committed once the
            # language is settled or the utterance ends.
            utt.hypothesis_speech_end = speech_end
            utt.tail = tail
            utt.stretch_held = True
            if not utt.commit.committed:
                utt.held = HeldOpening(tail, speech_end, position, utt.decision)
            self.stats.openings_held += 1
            logger.debug("utterance %d: opening held, language unsettled", utt.id)
            return events
        unread = speech_end - utt.audio_from
        keep_unread = (
            credible
            and not tail
            and not read_whole
            and unread <= self.options.max_unread_seconds * SAMPLE_RATE
        )
        if keep_unread:
            logger.debug(
                "utterance %d: %.2f s read as no words, kept", utt.id, unread / SAMPLE_RATE
            )
            self.stats.unread_kept += 1
        events += self._commit_stretch(utt, tail, speech_end, position, keep_unread)
        if events:
            events += self._tentative(utt, "", position, speech_end)
        return events

    def _commit_stretch(
        self, utt: Utterance, tail: list[str], speech_end: int, position: int, keep_unread: bool
    ) -> list[Event]:
        """Commit ``tail``, every word of the speech up to ``speech_end``.

        Later decodes start in the pause after it, or, ``keep_unread``, where this
        stretch began (its speech was read as no words and is decoded again).
        """
        utt.committed_through = speech_end
        utt.hypothesis_speech_end = speech_end
        utt.tail = []
        utt.held = None
        newly = utt.commit.commit_all(tail)
        resume = max(utt.audio_from, min(speech_end + CUT_MARGIN_SAMPLES, position))
        if keep_unread:
            resume = utt.audio_from
        if newly:
            weak = utt.decision is None or utt.decision.fallback
            utt.stretches.append((utt.stretch_start, utt.stretch_words, speech_end, weak))
        utt.stretch_start, utt.stretch_words = resume, len(utt.commit.committed)
        utt.stretch_held = False
        utt.other_voice = None
        self._move_audio_from(utt, resume)
        utt.turn_candidate = True  # what follows the pause may be the other side
        utt.context_words = len(utt.commit.committed)
        if not newly:
            return []
        self._note_committed(utt)
        return [self._event(CommittedText, utt, " ".join(newly), position, speech_end)]

    def _holds_opening(self, utt: Utterance, speech_end: int) -> bool:
        """Whether the words before this pause are an opening too weak to commit.

        A greeting, "yes" or "okay" alone rarely tells the pair's languages apart, and
        committed in the wrong one it would reach the client's screen. The words open
        the utterance, or follow a pause after committed words (where the other side
        may have begun to answer); their language is a weak guess; and their speech is
        short: then the speech that follows the pause is decoded together with them.
        """
        if self._mode != AUTO:
            return False
        decision = utt.decision
        if decision is None or not decision.fallback:
            return False
        if utt.commit.committed and not utt.turn_candidate:
            return False
        opening = utt.stretch_start if utt.commit.committed else utt.audio_from
        return speech_end - opening <= self.options.weak_opening_seconds * SAMPLE_RATE

    def _whole_reading(self, utt: Utterance, end: int, speech_end: int) -> list[str] | None:
        """The whole utterance decoded in the language the evidence now favours."""
        decision = self._chooser.decide(utt.language, self._held_side)
        if decision.lang == utt.committed_lang:
            return None
        whole = self._decode(
            utt, end, final=True, language=decision.lang, whole=True, speech_end=speech_end
        )
        if not whole.words or whole.looped or whole.no_speech:
            return None
        utt.decision = decision
        return whole.words

    def _split_turn(self, utt: Utterance, speech_end: int, change: TurnChange) -> list[Event]:
        """Split at the latest pause; a held opening in the voice before it is committed
        first, in the language it had when it was held."""
        held = utt.held
        if change != "voice" or held is None:
            return self._split(utt, speech_end, by_voice=change == "voice")
        utt.decision = held.decision
        events = self._commit_stretch(utt, held.words, held.speech_end, held.position, False)
        return events + self._split(utt, speech_end, by_voice=True)

    def _split(self, utt: Utterance, speech_end: int, by_voice: bool = False) -> list[Event]:
        """End ``utt`` at a pause; what follows is a new utterance, the other side's.

        Weakly decided stretches just before the split (an "okay" or "yes" that opens
        the answer) go with the answer: they leave ``utt`` in a ``revised`` event and are
        decoded again as the start of the new utterance. Not when the split is ``by_voice``:
        the voice says where the other speaker began, and the new utterance's language
        is decided as any utterance's is, turn-taking included.
        """
        events: list[Event] = []
        # Words committed mid-speech since the pause are in the audio the new utterance
        # decodes again: they go with it.
        start, kept = utt.audio_from, utt.stretch_words
        # The kept words end with their speech; speech read as no words after them goes
        # with the new turn.
        kept_end = utt.stretches[-1][2] if utt.stretches else utt.committed_through
        while not by_voice and len(utt.stretches) > 1 and utt.stretches[-1][3]:
            start, kept, _, _ = utt.stretches.pop()
            kept_end = utt.stretches[-1][2]
        if kept < len(utt.commit.committed):
            previous_text = utt.commit.committed_text
            utt.commit.committed = utt.commit.committed[:kept]
            revised = self._event(RevisedText, utt, utt.commit.committed_text, start, kept_end)
            events.append(
                replace(
                    revised,
                    previous_lang=utt.committed_lang,
                    previous_text=previous_text,
                    reason="turn",
                )
            )
        reason = "voice change" if by_voice else "language change"
        events.append(self._ended(utt, start, kept_end, reason))
        turn = Utterance(self._next_id, start, self._chooser.evidence(), audio_from=start)
        turn.commit.agreement = self.options.agreement
        turn.stretch_start = start
        turn.language.continue_stretch(utt.language)
        # A voice splits only after committed words: the side it answers is known.
        if by_voice and utt.committed_lang is not None:
            turn.language.answers = self.pair.side_of(utt.committed_lang)
        if start == utt.audio_from:
            turn.last_encoded, turn.decoded_to = utt.last_encoded, utt.decoded_to
        # No noise votes carried over: the last ones read this audio as the other
        # speaker's language, and a wrong-language reading of speech can sound like noise.
        self._next_id += 1
        self._utterance = turn
        self._redecide(turn)
        self.stats.turn_splits += 1
        self.stats.voice_splits += by_voice
        events.append(self._event(UtteranceStarted, turn, "", start, speech_end))
        return events

    def _revise(self, utt: Utterance, words: list[str], position: int, speech_end: int):
        """Replace the utterance's committed text with a reading in another language."""
        previous_lang = utt.committed_lang
        previous_text = utt.commit.committed_text
        utt.commit = CommitState(agreement=self.options.agreement)
        utt.commit.commit_all(words)
        self._note_committed(utt)
        self.stats.revisions += 1
        assert utt.decision is not None
        logger.info(
            "utterance %d revised from %s to %s (p=%.2f)",
            utt.id,
            previous_lang,
            utt.decision.lang,
            utt.decision.probability,
        )
        revised = self._event(RevisedText, utt, utt.commit.committed_text, position, speech_end)
        return replace(revised, previous_lang=previous_lang, previous_text=previous_text)

    def _note_committed(self, utt: Utterance) -> None:
        utt.committed_lang = utt.decision.lang if utt.decision else None

    def _turn_change(self, utt: Utterance, end: int, final: bool) -> TurnChange | None:
        """A turn change found in the utterance's audio up to ``end``, if any."""
        if self._mode != AUTO:
            return None
        if self._voice_changed(utt, end, final):
            return "voice"
        return self._turns.change(utt, self._held_side, final)

    def _voice_changed(self, utt: Utterance, end: int, final: bool) -> bool:
        """Whether the speech since the last committed pause, up to ``end``, is another
        person's voice.

        Decided before any language evidence: a quick one-word answer is the other
        side's turn even where its words could be either language. ``final``: that
        speech has ended (at a pause or the utterance's end). Audio past ``end`` (more
        may be buffered when a file is replayed at once) is another question.
        """
        options = self.options.voice
        previous, utt.other_voice = utt.other_voice, None
        if options.split_probability >= 1:
            return False
        if utt.held is not None:  # the utterance's opening, held at the pause
            pause_from, resume = utt.held.speech_end, utt.held.resume
        elif utt.turn_candidate and utt.commit.committed:
            pause_from, resume = utt.committed_through, utt.stretch_start
        else:
            return False
        if utt.pitch is None:
            utt.pitch = PitchTrack(utt.start, options)
        utt.pitch.extend(self._buffer[: end - self._buffer_start], self._buffer_start)
        before = utt.pitch.voiced(utt.start, pause_from)
        after = utt.pitch.voiced(resume, end)
        probability = speaker_change_probability(before, after, options, after_ended=final)
        if probability is None:
            if len(before) < options.min_voiced_frames:
                utt.held = None  # too little voice before the pause to ever tell
            return False
        utt.other_voice = probability
        changed = probability >= options.split_probability
        if not changed:
            utt.held = None  # the same voice goes on: the opening is decided with the rest
        if changed or previous is None or abs(probability - previous) >= 0.05:
            # Judged at every step while the speech goes on: logged when it moves.
            logger.debug(
                "utterance %d: another voice after the pause, p=%.2f (%.0f -> %.0f Hz)",
                utt.id,
                probability,
                np.median(before),
                np.median(after),
            )
        return changed
