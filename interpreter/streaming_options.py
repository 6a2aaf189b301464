"""Settings of the streaming recognizer (:mod:`interpreter.streaming`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from interpreter.asr.language import LanguageOptions
from interpreter.asr.level import LevelOptions
from interpreter.asr.voice import VoiceOptions
from interpreter.segmenter import SegmenterOptions


@dataclass(frozen=True)
class StreamingOptions:
    """How often to update, and how languages are decided."""

    tentative_interval_seconds: float = 0.5
    #: Tentative updates take at most about this share of the time: after an update
    #: that took T seconds (encoding and decoding, on the session clock), the next one
    #: waits for T / share seconds of new audio if that is longer than the interval. A
    #: slower PC or a bigger Whisper then updates less often instead of spending every
    #: core on text that is about to change; pauses are committed as fast as before.
    #: A third of the time keeps the whole session within 1.5x the CPU of offline
    #: transcription where a decode takes a quarter of a second, at the same accuracy
    #: (docs/benchmarks.md, "Tentative updates: a third of a worker"). 0 turns the
    #: limit off.
    tentative_compute_share: float = 0.3
    #: Encode this early in a pause (0.03 s: its first silent VAD frame), so that the
    #: words before it can be committed as soon as ``commit_pause`` allows. Encoded in
    #: the pause's first frame, it is decoded once the next frame is silent too: a dip
    #: inside speech is not decoded.
    speculative_pause_seconds: float = 0.03
    #: The end of the last word needs some audio after it: a decode in a pause that has
    #: less silence after the speech than this is given the rest as digital silence
    #: (cut short, a last word's ending is read wrong or not at all; docs/benchmarks.md,
    #: "Decoding at the first silent frame").
    pause_tail_seconds: float = 0.07
    language: LanguageOptions = field(default_factory=LanguageOptions)
    #: Language detection waits for this much audio; before that only the priors count.
    min_language_seconds: float = 0.5
    #: The detector keeps listening until it has heard this much of an utterance, even
    #: once the language is settled, so a confident wrong start can still be revised.
    language_evidence_seconds: float = 3.0
    #: Consecutive tentative hypotheses that must agree on a word to commit it mid-speech.
    agreement: int = 2
    #: Once this many committed words are still re-read as a forced prefix, their audio
    #: is cut off (at a word end found by alignment) and they become context instead:
    #: forcing costs a decoder step per token, context costs one step in all. 0: never.
    trim_after_words: int = 6
    #: Speech that a committing decode reads as no words at all (a short word after a
    #: turn change, decoded in the other language) is decoded again with what follows,
    #: up to this much of it; it is dropped only past that.
    max_unread_seconds: float = 3.0
    #: An utterance's first words, and the first words after a pause in it (which may
    #: be the other side answering), are not committed at a pause while their language
    #: is a weak guess and they are at most this long ("Okay.", "Kiitos."): the speech
    #: after the pause is decoded with them and decides their language too. At the end
    #: of the utterance they are committed whatever the evidence. 0: never held.
    weak_opening_seconds: float = 3.0
    #: Let a tentative update run on one of the engine's workers while the recognizer
    #: goes on listening, so a pause is committed at once on the other worker instead
    #: of after the update. Live sessions want this; a deterministic replay does not.
    overlap_decodes: bool = False
    segmenter: SegmenterOptions = field(default_factory=SegmenterOptions)
    #: Quiet speech is raised to a level Whisper reads well before each decode.
    level: LevelOptions = field(default_factory=LevelOptions)
    #: A pause followed by another person's voice ends the utterance there.
    voice: VoiceOptions = field(default_factory=VoiceOptions)
