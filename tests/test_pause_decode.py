"""The decode that a pause commits: made at the pause's first silent frame, with the
audio after the last word made up with silence. Real Whisper base."""

from __future__ import annotations

import numpy as np
import pytest
from asr_helpers import padded, wer

from interpreter.asr.language import LanguagePair
from interpreter.audio.base import SAMPLE_RATE
from interpreter.audio.replay import decode_file
from interpreter.events import CommittedText
from interpreter.simulate import VirtualClock, simulate
from interpreter.streaming import StreamingOptions, StreamingRecognizer
from interpreter.vad import FRAME_SAMPLES, StreamingVad

pytestmark = pytest.mark.slow


class _RecordingEngine:
    """The real engine; every encoded stretch of audio is kept with the pause it was
    encoded in."""

    def __init__(self, engine) -> None:
        self._engine = engine
        self.recognizer: StreamingRecognizer | None = None
        self.encoded: list[tuple[float, np.ndarray]] = []

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def encode(self, audio: np.ndarray):
        assert self.recognizer is not None
        self.encoded.append((self.recognizer._segmenter.pause_seconds, audio.copy()))
        return self._engine.encode(audio)


def _with_noise_floor(audio: np.ndarray, seed: int = 7) -> np.ndarray:
    """A faint noise floor, as any microphone has: no sample of the real audio is zero,
    so exact zeros at the end of a decoded stretch were added by the recognizer."""
    noise = np.random.default_rng(seed).normal(0.0, 3e-4, len(audio)).astype(np.float32)
    return audio + noise


def _trailing_zeros(audio: np.ndarray) -> int:
    nonzero = np.flatnonzero(audio)
    return len(audio) - 1 - int(nonzero[-1]) if len(nonzero) else len(audio)


@pytest.mark.parametrize("clip", [0, 5])
def test_a_pause_is_decoded_at_its_first_silent_frame_with_silence_made_up(
    whisper_engine, english_clips, clip
):
    path, text = english_clips[clip]
    audio = _with_noise_floor(padded(decode_file(path)))
    engine = _RecordingEngine(whisper_engine)
    clock = VirtualClock()
    options = StreamingOptions()
    recognizer = StreamingRecognizer(engine, LanguagePair.parse("fi-en"), options, clock=clock)
    engine.recognizer = recognizer
    events = simulate(recognizer, clock, audio, block_seconds=0.02, count_compute=False)

    in_pause = [(pause, stretch) for pause, stretch in engine.encoded if pause > 0.0]
    assert in_pause, "nothing was decoded in a pause"
    frame = FRAME_SAMPLES / SAMPLE_RATE
    first_pause, stretch = in_pause[0]
    assert first_pause == pytest.approx(frame), "the pause was decoded later than its first frame"
    # Heard so far: one silent frame and at most one block more; the rest of the
    # pause_tail_seconds is silence.
    wanted = round(options.pause_tail_seconds * SAMPLE_RATE)
    heard_after = (FRAME_SAMPLES, FRAME_SAMPLES + round(0.02 * SAMPLE_RATE))
    assert wanted - heard_after[1] <= _trailing_zeros(stretch) <= wanted - heard_after[0]
    # Decodes of speech still going on are never padded.
    assert all(_trailing_zeros(s) == 0 for pause, s in engine.encoded if pause == 0.0)
    committed = " ".join(e.text for e in events if isinstance(e, CommittedText))
    assert wer([text], [committed]) <= 0.25


def test_audio_fed_ahead_of_the_recognizer_pads_each_pause_from_its_own_speech(
    whisper_engine, english_clips
):
    """A file replayed as fast as possible, or a recognizer busy with a decode, hands it
    audio beyond a pause at once: by the time the words before the pause are decoded, the
    segmenter is in a later pause. Their decode is made up from their own speech's end,
    which the heard pause already covers, not from the later speech's."""
    (first, first_text), (second, second_text) = english_clips[0], english_clips[1]
    gap = np.zeros(int(0.45 * SAMPLE_RATE), np.float32)  # a pause, not an utterance end
    audio = np.concatenate([decode_file(first), gap, decode_file(second)])
    # Ends 0.15 s into the pause after the second sentence: still in that utterance.
    audio = _with_noise_floor(padded(audio, after=0.15))
    engine = _RecordingEngine(whisper_engine)
    options = StreamingOptions()
    recognizer = StreamingRecognizer(engine, LanguagePair.parse("fi-en"), options)
    engine.recognizer = recognizer
    recognizer.insert_audio(audio)
    events = []
    for _ in range(20):  # a step at a time; the decodes due run in the first few
        events += recognizer.process()
    events += recognizer.finish()

    wanted = round(options.pause_tail_seconds * SAMPLE_RATE)
    assert engine.encoded
    assert max(_trailing_zeros(stretch) for _, stretch in engine.encoded) <= wanted
    committed = " ".join(e.text for e in events if isinstance(e, CommittedText))
    assert wer([f"{first_text} {second_text}"], [committed]) <= 0.25


class _DipVad(StreamingVad):
    """The real Silero VAD, except that one frame inside speech reads as silence: a dip
    of a frame, as a short plosive or a breath gives."""

    def __init__(self, dip_frame: int) -> None:
        super().__init__()
        self._dip_frame = dip_frame
        self._frames_seen = 0

    def process(self, samples: np.ndarray) -> np.ndarray:
        probabilities = super().process(samples)
        index = self._dip_frame - self._frames_seen
        if 0 <= index < len(probabilities):
            probabilities[index] = 0.0
        self._frames_seen += len(probabilities)
        return probabilities


class _DecodeLog(_RecordingEngine):
    """Also records which encoder output each decode was started from."""

    def __init__(self, engine) -> None:
        super().__init__(engine)
        #: (pause, frames the segmenter had heard, encoder output)
        self.encodings: list[tuple[float, int, object]] = []
        self.decoded: list[object] = []

    def encode(self, audio: np.ndarray):
        encoded = super().encode(audio)
        assert self.recognizer is not None
        frames = self.recognizer._segmenter.position // FRAME_SAMPLES
        self.encodings.append((self.encoded[-1][0], frames, encoded))
        return encoded

    def submit(self, encoded, *args, **kwargs):
        self.decoded.append(encoded)
        return self._engine.submit(encoded, *args, **kwargs)


def test_a_dip_inside_speech_is_encoded_but_not_decoded(whisper_engine, english_clips):
    """The speech goes on after a silent frame: the encoding made in it is never decoded
    (no beam search keeps the recognizer busy when the speech really ends), and the pause
    at the end is decoded from the encoding of its own first silent frame."""
    path, text = english_clips[5]
    audio = _with_noise_floor(padded(decode_file(path)))
    speech = StreamingVad().process(audio)
    # A frame well inside speech: speech on both sides of it.
    inside = [i for i in range(3, len(speech) - 3) if (speech[i - 3 : i + 4] > 0.7).all()]
    dip = inside[len(inside) // 2]
    engine = _DecodeLog(whisper_engine)
    clock = VirtualClock()
    recognizer = StreamingRecognizer(
        engine, LanguagePair.parse("fi-en"), clock=clock, vad=_DipVad(dip)
    )
    engine.recognizer = recognizer
    events = simulate(recognizer, clock, audio, block_seconds=0.02, count_compute=False)

    in_dip = [encoded for pause, frames, encoded in engine.encodings if frames == dip + 1]
    assert in_dip, "the dip was not encoded in its silent frame"
    assert not any(encoded is in_dip[0] for encoded in engine.decoded)
    last_pause = [encoded for pause, _, encoded in engine.encodings if pause > 0.0][-1]
    assert any(encoded is last_pause for encoded in engine.decoded)
    assert recognizer.stats.dips_not_decoded >= 1
    committed = " ".join(e.text for e in events if isinstance(e, CommittedText))
    assert wer([text], [committed]) <= 0.25
