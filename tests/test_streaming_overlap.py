"""Decodes that run at once: a pause is committed while a tentative update still runs.

Real Whisper base; the only stand-in holds tentative decodes back until the test lets
them finish, which is what a slow update looks like to the recognizer.
"""

from __future__ import annotations

import threading

import pytest
from asr_helpers import padded, wer

from interpreter.asr.language import LanguagePair
from interpreter.audio.replay import decode_file
from interpreter.events import CommittedText, TentativeText, UtteranceEnded
from interpreter.simulate import VirtualClock, simulate
from interpreter.streaming import StreamingOptions, StreamingRecognizer

pytestmark = pytest.mark.slow


class _HeldDecode:
    """A real decode that reports itself unfinished until ``release`` is set."""

    def __init__(self, pending, release: threading.Event) -> None:
        self._pending = pending
        self._release = release

    def __getattr__(self, name):
        return getattr(self._pending, name)

    def done(self) -> bool:
        return self._release.is_set() and self._pending.done()

    def result(self):
        assert self._release.wait(30), "a held tentative decode was waited for"
        return self._pending.result()


class _HoldingEngine:
    """The real engine; its tentative (non-final) decodes are held back."""

    def __init__(self, engine) -> None:
        self._engine = engine
        self.release = threading.Event()
        self.held = 0

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def submit(self, *args, final: bool = False, **kwargs):
        pending = self._engine.submit(*args, final=final, **kwargs)
        if final:
            return pending
        self.held += 1
        return _HeldDecode(pending, self.release)


def test_pause_is_committed_while_a_tentative_update_still_runs(whisper_engine, english_clips):
    path, text = english_clips[0]
    engine = _HoldingEngine(whisper_engine)
    clock = VirtualClock()
    options = StreamingOptions(overlap_decodes=True)
    recognizer = StreamingRecognizer(engine, LanguagePair.parse("fi-en"), options, clock=clock)
    audio = padded(decode_file(path))
    events = simulate(recognizer, clock, audio, block_seconds=0.02, count_compute=False)
    # The first tentative update never finished, and no second one was started beside it.
    assert engine.held == 1
    ended = [e for e in events if isinstance(e, UtteranceEnded) and e.text]
    assert ended, "the utterance was not committed while its tentative update ran"
    assert wer([text], [" ".join(e.text for e in ended)]) <= 0.25
    # Let the held update finish: it is stale now and must change nothing.
    engine.release.set()
    recognizer.insert_audio(audio[:1600] * 0)
    late = recognizer.process() + recognizer.finish()
    assert not [e for e in late if isinstance(e, CommittedText | TentativeText) and e.text]


def test_the_two_readings_of_a_pause_run_at_once_and_match_one_by_one(
    whisper_engine, finnish_clips
):
    from interpreter.asr.decoding import UtteranceDecoder
    from interpreter.asr.language import LanguageOptions, UtteranceLanguage
    from interpreter.asr.utterance import RecognizerStats, Utterance

    assert whisper_engine.workers == 2
    path, _ = finnish_clips[0]
    encoded = whisper_engine.encode(decode_file(path))
    decoder = UtteranceDecoder(whisper_engine, RecognizerStats())
    utt = Utterance(1, 0, UtteranceLanguage(LanguagePair.parse("fi-en"), LanguageOptions()))
    together = decoder.decode_each(utt, encoded, ["fi", "en"], final=True, bare=True)
    alone = [decoder.decode(utt, encoded, lang, final=True, bare=True) for lang in ("fi", "en")]
    assert [h.words for h in together] == [h.words for h in alone]
    assert together[0].words != together[1].words
    assert decoder.stats.decodes == 4
