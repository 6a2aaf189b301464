"""Another person's voice after a pause: pitch tracking and the speaker-change split.

The pitch tracker is checked on tones whose pitch is known, on noise and silence, and
on the synthetic voices of the test material; the split through the real streaming
core with Whisper base.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import speech
from asr_helpers import stream_audio

from interpreter.asr.voice import (
    PitchTrack,
    VoiceOptions,
    pitch_frames,
    speaker_change_probability,
)
from interpreter.audio.base import SAMPLE_RATE
from interpreter.audio.replay import decode_file
from interpreter.streaming import StreamingOptions

OPTIONS = VoiceOptions()


def voiced_tone(pitch_hz: float, seconds: float = 0.5, level: float = 0.2) -> np.ndarray:
    """A vowel-like tone: twelve harmonics falling off, with a little pitch wobble."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wobble = 1.0 + 0.01 * np.sin(2 * np.pi * 4.0 * t)
    phase = 2 * np.pi * pitch_hz * np.cumsum(wobble) / SAMPLE_RATE
    tone = sum(np.sin(k * phase) / k for k in range(1, 13))
    return (level * tone / np.max(np.abs(tone))).astype(np.float32)


def voiced(audio: np.ndarray) -> np.ndarray:
    pitch = pitch_frames(audio, OPTIONS)
    return pitch[~np.isnan(pitch)]


@pytest.mark.parametrize("pitch_hz", [75.0, 110.0, 180.0, 260.0, 350.0])
def test_the_pitch_of_a_voiced_tone_is_found(pitch_hz: float):
    found = voiced(voiced_tone(pitch_hz))
    assert len(found) >= 40  # nearly every 10 ms frame of 0.5 s
    assert abs(np.median(found) / pitch_hz - 1.0) < 0.02


def test_silence_noise_and_a_short_click_have_no_pitch():
    rng = np.random.default_rng(3)
    silence = np.zeros(SAMPLE_RATE, np.float32)
    noise = (0.1 * rng.standard_normal(SAMPLE_RATE)).astype(np.float32)
    assert len(voiced(silence)) == 0
    assert len(voiced(noise)) <= 2
    assert len(pitch_frames(np.ones(100, np.float32), OPTIONS)) == 0  # shorter than a frame


def test_a_pitch_track_fed_in_pieces_sees_what_one_analysis_sees():
    audio = np.concatenate([voiced_tone(120.0), np.zeros(4000, np.float32), voiced_tone(200.0)])
    whole = PitchTrack(0, OPTIONS)
    whole.extend(audio, 0)
    pieces = PitchTrack(0, OPTIONS)
    for end in range(1600, len(audio) + 1600, 1600):
        pieces.extend(audio[:end], 0)  # the buffer grows; analysed samples are skipped
    end = len(audio)
    assert np.array_equal(whole.voiced(0, end), pieces.voiced(0, end))
    first, second = whole.voiced(0, 8000), whole.voiced(12000, end)
    assert abs(np.median(first) - 120.0) < 3 and abs(np.median(second) - 200.0) < 4


def test_a_change_needs_enough_voice_on_both_sides_and_a_clear_pitch_shift():
    low, high = voiced(voiced_tone(110.0)), voiced(voiced_tone(200.0))
    assert speaker_change_probability(low[:3], high, OPTIONS) is None
    assert speaker_change_probability(low, high[:3], OPTIONS) is None
    same = speaker_change_probability(low, voiced(voiced_tone(118.0)), OPTIONS)
    other = speaker_change_probability(low, high, OPTIONS)
    assert same is not None and same < 0.3
    assert other is not None and other > 0.99


def test_options_that_cannot_work_are_refused():
    with pytest.raises(ValueError, match="min_pitch_hz"):
        VoiceOptions(min_pitch_hz=300.0, max_pitch_hz=200.0)
    with pytest.raises(ValueError, match="same_speaker_spread"):
        VoiceOptions(same_speaker_spread=0.5, different_speaker_spread=0.4)
    with pytest.raises(ValueError, match="split_probability"):
        VoiceOptions(split_probability=0.2)


FINNISH_LINES = (
    "Hakemus lähetetään kotiinne postissa ensi viikon aikana.",
    "Voitte myös soittaa palvelunumeroon arkisin.",
    "Tarvitsen vielä henkilötunnuksenne.",
)
ENGLISH_LINES = ("Yes.", "Thank you, that helps a lot.", "Could you write it down for me?")


def _voice(audio_path: Path) -> np.ndarray:
    audio = decode_file(audio_path)
    return voiced(audio)


@pytest.fixture(scope="module")
def voices(require_speech: Callable[..., None]) -> dict[str, list[np.ndarray]]:
    """Voiced pitch of each test line, per voice."""
    require_speech("finnish", "english")
    finnish = {
        name: [_voice(speech.synthesize_finnish(line, name)) for line in FINNISH_LINES]
        for name in ("lj", "mv")
    }
    english = {
        name: [_voice(speech.synthesize_english(line, voice=name)) for line in ENGLISH_LINES]
        for name in ("en-gb", "en-us+f3")
    }
    return {**finnish, **english}


def test_one_word_answers_in_low_voices_have_enough_voice_to_judge(require_speech):
    """A quick "Sorry." or "Kyllä." is where a voice change matters most, and low voices
    (80 to 100 Hz) are the hardest to track: each word must still give the frames a
    decision needs."""
    require_speech("finnish", "english")
    words = [speech.synthesize_finnish(word, "mv") for word in ("Kyllä.", "Ei.", "Joo.")]
    for voice in ("en-gb-scotland", "ru", "en-gb"):
        words += [speech.synthesize_english(w, voice=voice) for w in ("Sorry.", "Yes.", "No.")]
    counts = [len(_voice(path)) for path in words]
    assert min(counts) >= OPTIONS.min_voiced_frames, counts


def test_one_voice_is_never_taken_for_another(voices):
    for name, lines in voices.items():
        for before in lines:
            for after in lines:
                if after is before:
                    continue
                probability = speaker_change_probability(before, after, OPTIONS)
                assert probability is None or probability < 0.5, name


def test_voices_of_clearly_different_pitch_are_told_apart(voices):
    """en-us+f3 (about 200 Hz) against mv and en-gb (70-100 Hz): an octave apart, always
    another voice. lj (140-150 Hz) against those men is less than that: the evidence
    leans to another voice, not always enough to split on."""
    clear = [("mv", "en-us+f3"), ("en-us+f3", "mv"), ("en-gb", "en-us+f3"), ("en-us+f3", "en-gb")]
    for first, second in clear:
        for before in voices[first]:
            for after in voices[second]:
                probability = speaker_change_probability(before, after, OPTIONS)
                assert probability is not None and probability >= 0.9, (first, second)
    for first, second in [("lj", "mv"), ("mv", "lj"), ("lj", "en-gb"), ("en-gb", "lj")]:
        leaning = [
            speaker_change_probability(before, after, OPTIONS)
            for before in voices[first]
            for after in voices[second]
        ]
        assert None not in leaning and np.median(leaning) > 0.5, (first, second)


@pytest.mark.slow
def test_a_quick_yes_in_another_voice_is_its_own_utterance(
    tmp_path: Path, require_speech: Callable[..., None], whisper_engine
):
    """Staff (a man, Finnish) and a client (a woman, English) who answers "Yes." 0.4 s
    after him and is answered as quickly: the "Yes." is an English utterance of its own,
    not a word in the staff's Finnish. Without voice splits it stays in his utterance."""
    require_speech("finnish", "english")
    clips = [
        (speech.synthesize_finnish(FINNISH_LINES[2], "mv"), FINNISH_LINES[2], "fi"),
        (speech.synthesize_english("Yes.", voice="en-us+f3"), "Yes.", "en"),
        (speech.synthesize_finnish(FINNISH_LINES[1], "mv"), FINNISH_LINES[1], "fi"),
    ]
    conversation = speech.build_conversation(
        clips, gap_seconds=[0.4, 0.45], out_path=tmp_path / "quick.wav"
    )
    audio = decode_file(conversation.path)
    yes = conversation.segments[1]

    def languages_of_yes(result) -> set[str | None]:
        return {
            e.lang
            for e in result.ended
            if e.text and e.audio_start < yes.end and e.speech_end > yes.start + 0.1
        }

    result = stream_audio(whisper_engine, audio)
    print("\n", [(e.lang, e.text) for e in result.ended])
    assert languages_of_yes(result) == {"en"}
    assert result.recognizer.stats.voice_splits >= 1
    assert next(e.lang for e in result.ended if e.text) == "fi"

    no_voice = StreamingOptions(voice=VoiceOptions(split_probability=1.0))
    without = stream_audio(whisper_engine, audio, options=no_voice)
    assert without.recognizer.stats.voice_splits == 0
    assert languages_of_yes(without) != {"en"}


@pytest.mark.slow
def test_the_turn_before_a_quick_answer_in_another_voice_ends_as_the_answer_begins(
    tmp_path: Path, require_speech: Callable[..., None], whisper_engine
):
    """The staff's Finnish turn, and 0.4 s later the client's long English answer in a
    woman's voice: the staff's utterance ends (its translation becomes final) once the
    answer's first syllables are heard, not at the answer's first pause or decode (here
    tentative decodes are 2 s apart, as on a slow PC). With push-to-talk, nothing splits."""
    require_speech("finnish", "english")
    answer_text = "Good afternoon. I have an appointment at the employment office at two."
    clips = [
        (speech.synthesize_finnish(FINNISH_LINES[2], "mv"), FINNISH_LINES[2], "fi"),
        (speech.synthesize_english(answer_text, voice="en-us+f3"), answer_text, "en"),
    ]
    conversation = speech.build_conversation(
        clips, gap_seconds=[0.4], out_path=tmp_path / "answer.wav"
    )
    answer = conversation.segments[1]
    slow = StreamingOptions(tentative_interval_seconds=2.0)
    result = stream_audio(whisper_engine, decode_file(conversation.path), options=slow)
    ended = [e for e in result.ended if e.text]
    print("\n", [(e.lang, e.text, round(e.emitted_at - answer.start, 2)) for e in ended])
    assert [e.lang for e in ended] == ["fi", "en"]
    assert result.recognizer.stats.voice_splits == 1
    assert ended[0].emitted_at - answer.start <= 0.6

    # Push-to-talk sets the side: no voice splits it.
    held = stream_audio(whisper_engine, decode_file(conversation.path), "fi-en", "staff", slow)
    assert held.recognizer.stats.voice_splits == 0
    assert len([e for e in held.ended if e.text]) == 1


@pytest.mark.slow
def test_one_voice_after_quick_pauses_stays_one_utterance(
    tmp_path: Path, require_speech: Callable[..., None], whisper_engine
):
    require_speech("finnish")
    clips = [(speech.synthesize_finnish(line, "lj"), line, "fi") for line in FINNISH_LINES]
    conversation = speech.build_conversation(
        clips, gap_seconds=0.4, out_path=tmp_path / "one_voice.wav"
    )
    result = stream_audio(whisper_engine, decode_file(conversation.path))
    assert result.recognizer.stats.voice_splits == 0
    assert {e.lang for e in result.ended if e.text} == {"fi"}


LONG_QUESTION = (
    "That is what I thought. The problem is that I do not know yet where I will be "
    "working in the autumn, so can we change the day care centre later, for example to "
    "one in Kontula or in Myllypuro?"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answer", "gap_seconds"), [("Kyllä voi.", 0.5), ("Kyllä voi.", 0.6), ("Kyllä.", 0.5)]
)
def test_a_short_answer_in_another_voice_after_a_long_question_is_read(
    tmp_path: Path,
    require_speech: Callable[..., None],
    whisper_engine,
    answer: str,
    gap_seconds: float,
):
    """A client's long English question (a Scottish man's voice), answered in Finnish
    by the staff (another man, higher pitched) within 0.6 s: the answer is a Finnish
    utterance of its own, with its words. A word or two of diphone Finnish sounds like
    noise to Whisper in some decodes; the voice says a person spoke, and that the
    speaker likely answers the question (the other side)."""
    require_speech("finnish", "english")
    clips = [
        (speech.synthesize_english(LONG_QUESTION, voice="en-gb-scotland"), LONG_QUESTION, "en"),
        (speech.synthesize_finnish(answer, "lj"), answer, "fi"),
    ]
    conversation = speech.build_conversation(
        clips, gap_seconds=[gap_seconds], out_path=tmp_path / "answer.wav"
    )
    result = stream_audio(whisper_engine, decode_file(conversation.path))
    ended = [(e.lang, e.text) for e in result.ended]
    print("\n", ended)
    assert len(ended) == 2 and ended[0][0] == "en"
    assert ended[1][0] == "fi" and ended[1][1]
