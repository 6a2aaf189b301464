"""Hallucination guards: Whisper invents text in silence and loops on hard audio.

The recognizer only decodes audio the VAD called speech; these checks then use the
model's own signals on each result. The list of phrases Whisper is known to produce on
silence is a last check, applied only to results that are already doubtful.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from faster_whisper.transcribe import get_compression_ratio

from interpreter.repetition import LoopRule, longest_shared_run, remove_loops
from interpreter.textnorm import normalise_for_wer


@dataclass(frozen=True)
class GuardOptions:
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    #: Below this average log-probability a result is dropped, whatever no_speech says.
    drop_log_prob_threshold: float = -1.6
    compression_ratio_threshold: float = 2.4
    #: What counts as a repetition loop (never committed, shown or translated).
    loops: LoopRule = field(default_factory=LoopRule)
    #: An utterance whose decodes mostly sound like noise is treated as noise: nothing
    #: of it is committed or shown. A decode sounds like noise when its no-speech
    #: probability is above this...
    utterance_no_speech_threshold: float = 0.35
    #: ... and its text is not confident: an average log-probability below this. Whisper's
    #: no-speech probability swings on short cuts of clear speech (0.4-0.7 on a third of
    #: one sentence's decodes through a sound server), whereas 177 of its 184 readings
    #: of wordless babble in ``benchmarks/noise.py`` are below -0.5.
    utterance_noise_log_prob: float = -0.5
    #: One decode alone says an utterance is speech, whatever the others voted, when
    #: Whisper reads words in it and is sure of both: a no-speech probability at most
    #: this (every decode of babble in ``benchmarks/noise.py``: 0.41 or more)...
    clear_speech_no_speech: float = 0.2
    #: ... and an average log-probability at least this. The first decodes of a Finnish
    #: turn split off from the English before it can vote for noise (no-speech 0.5 to
    #: 0.6, -0.8 to -1.0) where the decode of the whole turn is sure it is speech.
    clear_speech_log_prob: float = -0.7
    #: A reading that repeats this many words in a row of its previous-text prompt is
    #: read again without the prompt: Whisper copies the prompt on audio it cannot read.
    context_copy_words: int = 4


# Subtitle credits and sign-offs from Whisper's training data, seen on silence and noise.
_SILENCE_PHRASES = {
    "kiitos katsomisesta",
    "kiitos kun katsoit",
    "tekstitys",
    "suomenkielinen tekstitys",
    "thanks for watching",
    "thank you for watching",
    "thank you",
    "subtitles by the amara org community",
    "please subscribe",
    "tack för att du tittade",
    "спасибо за просмотр",
    "продолжение следует",
    "дякую за перегляд",
    "ترجمة نانسي قنقر",
}


def is_silence_phrase(text: str) -> bool:
    return normalise_for_wer(text) in _SILENCE_PHRASES


def is_no_speech(no_speech_prob: float, avg_logprob: float, options: GuardOptions) -> bool:
    """Whisper's own rule, plus a floor on confidence for results nobody should see."""
    if no_speech_prob > options.no_speech_threshold and avg_logprob < options.log_prob_threshold:
        return True
    return avg_logprob < options.drop_log_prob_threshold


def sounds_like_noise(no_speech_prob: float, avg_logprob: float, options: GuardOptions) -> bool:
    """Whether one decode of an utterance counts as a vote for noise (see the options)."""
    return (
        no_speech_prob > options.utterance_no_speech_threshold
        and avg_logprob < options.utterance_noise_log_prob
    )


def sounds_like_clear_speech(
    no_speech_prob: float, avg_logprob: float, words: int, options: GuardOptions
) -> bool:
    """Whether one decode on its own makes an utterance speech (see the options)."""
    return (
        words > 0
        and no_speech_prob <= options.clear_speech_no_speech
        and avg_logprob >= options.clear_speech_log_prob
    )


def is_repetitive(text: str, options: GuardOptions) -> bool:
    return get_compression_ratio(text) > options.compression_ratio_threshold if text else False


def copies_context(words: Sequence[str], context: str, options: GuardOptions) -> bool:
    """Whether ``words`` repeat a long run of ``context`` (see the options), or are,
    all of them and at least two, words of it in the same order: after a short
    committed phrase ("Good afternoon.") Whisper may write that phrase again for the
    speech that follows it."""
    run = options.context_copy_words
    if not run:
        return False
    shared = longest_shared_run(words, context.split())
    return shared >= run or (shared == len(words) >= 2)


def remove_repetition_loops(
    words: list[str], options: GuardOptions, fixed: int = 0
) -> tuple[list[str], bool]:
    """Cut every repetition loop in ``words`` down to one copy; say whether one was found.

    The first ``fixed`` words (text already committed and forced as the decoder's
    prefix) are kept as they are: only later copies go.
    """
    return remove_loops(words, fixed=fixed, rule=options.loops)
