"""The recognizer's state of one open utterance, and its counters."""

from __future__ import annotations

from dataclasses import dataclass, field

from interpreter.asr.commit import CommitState
from interpreter.asr.language import LanguageDecision, UtteranceLanguage
from interpreter.asr.results import Encoded
from interpreter.asr.voice import PitchTrack
from interpreter.audio.base import SAMPLE_RATE

CUT_MARGIN_SAMPLES = SAMPLE_RATE // 10  # where decoding resumes after a committed pause


@dataclass(frozen=True)
class PauseEncoding:
    """A pause's audio, encoded in its first silent frame: decoded once a later frame
    says the pause holds, dropped unused if the speech goes on."""

    speech_end: int  # where the speech before the pause ended
    position: int  # the segmenter's position when it was encoded
    encoded: Encoded


@dataclass
class RecognizerStats:
    """What the recognizer did, for benchmarks and logs."""

    decodes: int = 0
    tentative_skipped: int = 0
    #: Decodes of the same audio in the pair's other language, to compare likelihoods.
    language_decodes: int = 0
    #: Utterances recognised again in the other language after words were committed.
    revisions: int = 0
    #: Utterances ended at a pause because the speech after it was the other side's.
    turn_splits: int = 0
    #: Of those, the splits made because the voice after the pause was another person's.
    voice_splits: int = 0
    #: Pauses at which the speech since the last commit read as no words and was kept
    #: to be decoded again with what follows.
    unread_kept: int = 0
    #: Pauses at which an utterance's opening words, or the first words after an
    #: earlier pause, were held, not committed, because their language was a weak guess.
    openings_held: int = 0
    #: Pauses whose audio was encoded in their first silent frame and never decoded:
    #: the speech went on (a dip inside speech, not a pause).
    dips_not_decoded: int = 0
    decode_seconds: float = 0.0
    audio_seconds: float = 0.0

    @property
    def real_time_factor(self) -> float:
        return self.decode_seconds / self.audio_seconds if self.audio_seconds else 0.0


@dataclass(frozen=True)
class HeldOpening:
    """An utterance's opening words, held at a pause while their language was weak."""

    words: list[str]
    speech_end: int
    position: int  # the stream position of the pause's boundary
    decision: LanguageDecision | None

    @property
    def resume(self) -> int:
        """Where the speech after the pause is taken to begin."""
        return min(self.speech_end + CUT_MARGIN_SAMPLES, self.position)


@dataclass
class Utterance:
    """The open utterance as the recognizer sees it (positions are stream samples)."""

    id: int
    start: int  # sample index, pre-roll included
    language: UtteranceLanguage
    decision: LanguageDecision | None = None
    commit: CommitState = field(default_factory=CommitState)
    decoded_to: int = 0  # audio end of the latest decode
    hypothesis_speech_end: int = -1  # speech end that the latest tail covers
    tail: list[str] = field(default_factory=list)
    committed_lang: str | None = None  # the language of the committed words
    #: Decoding resumed after a committed pause: the speech may be the other side's.
    turn_candidate: bool = False
    #: The pause-delimited stretches committed so far, as (first sample, committed words
    #: before it, its speech end, whether its language was a weak guess), and where the
    #: stretch now being decoded began.
    stretches: list[tuple[int, int, int, bool]] = field(default_factory=list)
    stretch_start: int = 0
    stretch_words: int = 0
    #: The stretch's words were held at a pause, their language a weak guess: they wait
    #: for the next pause or a settled language, never committed mid-speech.
    stretch_held: bool = False
    #: The utterance's opening, while it is held (nothing committed before it).
    held: HeldOpening | None = None
    committed_through: int = -1  # speech end up to which every word is committed
    #: Per decode: whether it sounded like noise rather than speech.
    noise_votes: list[bool] = field(default_factory=list)
    #: A decode was sure it read speech (see ``GuardOptions.clear_speech_log_prob``).
    speech_heard: bool = False
    #: Decoding starts here: after a pause everything before it is committed, so its
    #: audio is dropped and its words become context (cheaper and faster decodes).
    audio_from: int = 0
    context_words: int = 0
    last_encoded: Encoded | None = None  # of the latest decode, which began at audio_from
    #: A pause's encoding waiting to be decoded (see :meth:`encoded_pause`).
    pause_encoding: PauseEncoding | None = None
    shown_tentative: str = ""
    #: The pitch of the utterance's audio, followed once a turn change is in question.
    pitch: PitchTrack | None = None
    #: Probability that the speech after the latest pause is another person's voice;
    #: None while there is no such speech or too little voice to tell.
    other_voice: float | None = None
    #: Session-clock seconds the latest tentative update took, from its encoding to the
    #: moment its result was taken.
    tentative_seconds: float = 0.0

    def encoded_pause(self, speech_end: int) -> PauseEncoding | None:
        """The pause after speech that ended at ``speech_end``, encoded and not decoded
        yet, while it is still the latest encoding (decoding goes on from it)."""
        pause = self.pause_encoding
        if pause is None or pause.speech_end != speech_end:
            return None
        return pause if pause.encoded is self.last_encoded else None

    @property
    def voice_heard(self) -> bool:
        """Split off where another voice began (it answers the side before it): its
        pitch says a person speaks in it, however Whisper's decodes of a word or two
        sound."""
        return self.language.answers is not None
