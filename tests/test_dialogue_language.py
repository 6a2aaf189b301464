"""The right language on every turn and nothing invented, on the long desk dialogue.

Real recognition (Whisper base) through the real streaming core on the deterministic
replay, so the figures depend on the audio alone, not on the machine's load.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import dialogue
import numpy as np
import pytest
import speech
from asr_helpers import StreamResult, padded, stream_audio

from interpreter.audio.base import SAMPLE_RATE
from interpreter.audio.replay import decode_file
from interpreter.events import (
    CommittedText,
    Event,
    RevisedText,
    TentativeText,
    TranslationEvent,
    UtteranceEnded,
)
from interpreter.repetition import has_loop, longest_shared_run
from interpreter.streaming import StreamingOptions

pytestmark = pytest.mark.slow

#: Finnish names and places that clients say inside English sentences.
FINNISH_NAMES = ("Espoo", "Vantaa", "Kela", "TE-toimisto", "Virtanen", "Hakaniemi", "Kerava")
#: English loanwords that Finnish speech carries.
LOANWORDS = ("okei", "online", "printteri", "netissä", "chat", "sähköposti")


def shown_texts(events: list[Event]) -> list[str]:
    """Every text a reader could see: tentative, committed, revised and whole utterances."""
    kinds = (TentativeText, CommittedText, RevisedText, UtteranceEnded, TranslationEvent)
    return [e.text for e in events if isinstance(e, kinds) and e.text]


def utterance_texts(events: list[Event]) -> dict[int, str]:
    """Each utterance's committed text as a reader has it (revisions replace)."""
    texts: dict[int, str] = {}
    for event in events:
        if isinstance(event, CommittedText):
            texts[event.utterance_id] = f"{texts.get(event.utterance_id, '')} {event.text}".strip()
        elif isinstance(event, RevisedText):
            texts[event.utterance_id] = event.text
    return texts


def turn_languages(result: StreamResult, turn: dialogue.Turn) -> set[str | None]:
    """Languages of the utterances that hold words of ``turn`` (overlap in time)."""
    return result.languages_during(turn.start, turn.end)


@pytest.fixture(scope="module")
def whole_dialogue(
    tmp_path_factory: pytest.TempPathFactory,
    require_speech: Callable[..., None],
    whisper_engine,
) -> tuple[dialogue.Dialogue, StreamResult]:
    require_speech(*dialogue.needs())
    folder = tmp_path_factory.mktemp("dialogue")
    material = dialogue.build_dialogue(out_path=folder / "dialogue.wav")
    return material, stream_audio(whisper_engine, decode_file(material.path))


def test_every_turn_is_committed_in_its_language(whole_dialogue):
    material, result = whole_dialogue
    wrong = [
        (turn.index, turn.lang, sorted(map(str, langs)), turn.text)
        for turn in material.turns
        if (langs := turn_languages(result, turn)) and langs != {turn.lang}
    ]
    silent = [turn.index for turn in material.turns if not turn_languages(result, turn)]
    right = len(material.turns) - len(wrong) - len(silent)
    stats = result.recognizer.stats
    print(
        f"\n{right}/{len(material.turns)} turns right; wrong: {wrong}; no text: {silent}; "
        f"splits {stats.turn_splits}, revisions {stats.revisions}, "
        f"likelihood decodes {stats.language_decodes}"
    )
    # The goal is every turn; the bar is 95 %. What is still missed: a 0.2 s
    # "Hei." too short to start an utterance, and a quick "Yes." (0.4 to 0.6 s gaps on
    # both sides) that stays with the turns around it.
    assert right >= 0.95 * len(material.turns)
    assert stats.turn_splits >= 5  # quick turn changes are found


def test_a_turns_opening_stays_with_its_turn(whole_dialogue):
    """At a change of language the new speaker's first words ("Kyllä voi.", "Yes.") are
    in an utterance of their language, not lost in or after the previous speaker's:
    speech the previous language read as no words is decoded again with what follows."""
    material, result = whole_dialogue
    ended = [e for e in result.ended if e.text]
    astray = []
    for before, turn in pairwise(material.turns):
        if before.lang == turn.lang:
            continue
        opening = turn.start + 0.15
        holder = next((e for e in ended if e.audio_start <= opening < e.speech_end), None)
        if holder is None or holder.lang != turn.lang:
            astray.append((turn.index, turn.text, holder and holder.text))
    print(f"\nunread speech kept {result.recognizer.stats.unread_kept} times; astray: {astray}")
    # Dropping such speech instead lost "Kyllä voi." after a long English turn. Left: a
    # "Yes." merged with the quick turns around it (0.4 to 0.6 s gaps), and an accented
    # "Yes." read as nothing before its long answer started an utterance.
    assert len(astray) <= 2, astray
    assert result.recognizer.stats.unread_kept >= 1


def test_no_loop_is_ever_shown(whole_dialogue):
    _material, result = whole_dialogue
    looping = [text for text in shown_texts(result.events) if has_loop(text.split())]
    looping += [t for t in utterance_texts(result.events).values() if has_loop(t.split())]
    assert not looping


def test_no_speech_is_read_twice(whole_dialogue):
    material, result = whole_dialogue
    assert not result.overlong(material.turns)


def test_nothing_is_copied_from_earlier_in_the_utterance(whole_dialogue):
    """No two neighbouring turns of the script share four words in a row, so a committed
    piece that repeats four words of its utterance's earlier text was not said: Whisper
    copied its previous-text prompt (test_context_copy.py)."""
    material, result = whole_dialogue
    for first, second in pairwise(material.turns):
        words = f"{first.text} {second.text}".split()
        assert all(longest_shared_run(words[i : i + 4], words[:i]) < 4 for i in range(len(words)))
    before: dict[int, list[str]] = {}
    copies = []
    for event in result.committed:
        earlier = before.setdefault(event.utterance_id, [])
        if longest_shared_run(event.text.split(), earlier) >= 4:
            copies.append((" ".join(earlier), event.text))
        earlier += event.text.split()
    assert not copies


def test_revisions_replace_and_end_consistently(whole_dialogue):
    """After a revision, the utterance's end carries the revised text and language."""
    _material, result = whole_dialogue
    texts = utterance_texts(result.events)
    ended = {e.utterance_id: e for e in result.ended}
    for revised in (e for e in result.events if isinstance(e, RevisedText)):
        assert revised.previous_text
        if revised.reason == "language":
            assert revised.lang != revised.previous_lang
        else:  # its end was the other side's answer, which became an utterance of its own
            assert revised.reason == "turn" and revised.lang == revised.previous_lang
            assert revised.previous_text.startswith(revised.text)
        end = ended[revised.utterance_id]
        assert end.lang == revised.lang and end.side == revised.side
        assert end.text == texts[revised.utterance_id]
        assert end.text.startswith(revised.text)


def test_forced_wrong_language_never_loops(whisper_engine, english_clips, finnish_clips):
    """Decodes forced into the other language are where Whisper loops; the guard holds."""
    cases = [(path, "staff") for path, _ in english_clips[:4]]
    cases += [(path, "client") for path, _ in finnish_clips[:4]]
    for path, mode in cases:
        result = stream_audio(whisper_engine, padded(decode_file(path)), mode=mode)
        assert result.committed, path  # it does produce (wrong-language) text
        for text in shown_texts(result.events) + list(utterance_texts(result.events).values()):
            assert not has_loop(text.split()), (path, mode, text)


def test_forced_prefix_does_not_prime_a_loop(whisper_engine, english_clips):
    """Three committed copies of a word are allowed; the decoder must not add a fourth."""
    path, _ = english_clips[0]
    encoded = whisper_engine.encode(decode_file(path)[: 4 * speech.SAMPLE_RATE])
    for prefix in ("kiitos kiitos kiitos", "no no", "ja sitten ja sitten"):
        hypothesis = whisper_engine.decode(encoded, "fi", prefix=prefix, final=True)
        assert not has_loop(prefix.split() + hypothesis.words), (prefix, hypothesis.text)


def _clips_with(words: tuple[str, ...], lang: str) -> list[int]:
    return [
        index
        for index, line in enumerate(dialogue.SCRIPT)
        if line.lang == lang
        and line.voice != dialogue.LIBRIVOX
        and any(w.casefold() in line.text.casefold() for w in words)
    ]


def _stream_turn(engine, index: int, folder: Path) -> StreamResult:
    line = dialogue.SCRIPT[index]
    kind, _, voice = line.voice.partition("-")
    lang = "fi" if kind == "festival" else "en"
    path = speech.synthesize(line.text, lang, voice, folder / f"{index}.wav")
    return stream_audio(engine, padded(decode_file(path)))


def test_names_and_loanwords_do_not_flip_the_language(whisper_engine, tmp_path, require_speech):
    """English with Finnish names and places, Finnish with English loanwords, alone."""
    require_speech("finnish", "english")
    english = _clips_with(FINNISH_NAMES, "en")
    finnish = _clips_with(LOANWORDS, "fi")
    assert len(english) >= 4 and len(finnish) >= 3
    for index in english + finnish:
        result = _stream_turn(whisper_engine, index, tmp_path)
        langs = {e.lang for e in result.ended if e.text}
        assert langs == {dialogue.SCRIPT[index].lang}, (index, dialogue.SCRIPT[index].text)


def test_short_english_openers_are_english(whisper_engine, tmp_path, require_speech):
    """A greeting or an acknowledgement alone, or opening a sentence, decides nothing wrong."""
    require_speech("english")
    openers = [
        ("Hello.", "en-gb"),
        ("Yes.", "en-us"),
        ("Okay, thank you.", "en-gb-scotland"),
        ("Okay. So I live in Espoo and I got a letter from Kela.", "en-us"),
        ("Hi. My name is Virtanen, I have an appointment.", "fr"),
    ]
    for index, (text, voice) in enumerate(openers):
        path = speech.synthesize_english(text, tmp_path / f"o{index}.wav", voice=voice)
        result = stream_audio(whisper_engine, padded(decode_file(path)))
        langs = {e.lang for e in result.ended if e.text}
        assert langs == {"en"}, (text, voice, [(e.lang, e.text) for e in result.ended])


def test_short_finnish_answers_after_english_are_finnish(whisper_engine, tmp_path, require_speech):
    """Whisper's detector hears most one-word Finnish as English; after the client's
    English the staff's short answer must still be Finnish (words not in the dialogue)."""
    require_speech("finnish", "english")
    questions = [
        ("Can I pay the bill online?", "en-gb"),
        ("Is the office open on Saturday?", "en-us"),
        ("Do I need to bring my passport?", "de"),
        ("Should I fill in this form now?", "en-gb-scotland"),
        ("Is there a long queue today?", "en-us"),
        ("Can my wife come with me?", "fr"),
    ]
    answers = [
        ("Selvä.", "lj"),
        ("Ei kiitos.", "mv"),
        ("Joo.", "mv"),
        ("Hetkinen.", "lj"),
        ("Kiitos.", "mv"),
        ("Totta kai.", "lj"),
        # Words the detector takes for English by the widest margin (5 to 8 log-odds).
        ("Hienoa.", "lj"),
        ("Näkemiin.", "mv"),
        ("Ymmärrän.", "mv"),
        ("Hetkinen.", "mv"),
        ("No niin.", "lj"),
        ("Niin.", "lj"),
    ]
    exchanges = [(*q, *a) for q, a in zip(questions * 2, answers, strict=True)]
    clips = []
    for index, (question, english_voice, answer, finnish_voice) in enumerate(exchanges):
        asked = speech.synthesize_english(question, tmp_path / f"q{index}.wav", voice=english_voice)
        answered = speech.synthesize_finnish(answer, finnish_voice, tmp_path / f"a{index}.wav")
        clips += [(asked, question, "en"), (answered, answer, "fi")]
    material = speech.build_conversation(clips, gap_seconds=1.2, out_path=tmp_path / "talk.wav")
    result = stream_audio(whisper_engine, decode_file(material.path))
    heard = [(e.lang, e.text, e.speech_end) for e in result.ended if e.text]
    # Each turn's language: that of the utterance whose speech ends with the turn's.
    langs = [
        next((lang for lang, _, end in heard if abs(end - turn.end) < 0.3), None)
        for turn in material.segments
    ]
    questions, answers = langs[0::2], langs[1::2]
    assert questions == ["en"] * len(exchanges), heard
    # Without the correction of the detector's lean 5 of these 12 answers were Finnish,
    # none of the last six; with it 7. The goal is all: what is left reads about as well
    # in English ("No niin." as "No need.", "Ymmärrän." as "film") or is not heard as an
    # utterance of its own ("Joo.", "Niin.").
    assert answers.count("fi") >= 6, (answers, heard)


def _speech_only(path: Path) -> np.ndarray:
    """A clip cut to its speech, so the gaps between turns are exactly the ones set."""
    clip = decode_file(path)
    bounds = speech.speech_bounds(clip)
    assert bounds is not None, path
    return clip[int(bounds[0] * SAMPLE_RATE) : int(bounds[1] * SAMPLE_RATE)]


def test_a_weak_opening_waits_for_the_words_after_it(whisper_engine, tmp_path, require_speech):
    """An "Okay." or "Yes." 0.45 s before the rest of its turn is not committed at that
    pause while its language is a weak guess: the words after it are decoded with it, and
    everything the turn commits is in its language."""
    require_speech("finnish", "english")
    turns = [
        ("fi", "lj", ["Hyvää huomenta, miten voin auttaa?"]),
        ("en", "de", ["Okay.", "Is it a problem if I come back tomorrow?"]),
        ("fi", "mv", ["Lomake on nyt valmis, ja lähetän sen tänään."]),
        ("en", "en-gb", ["Yes.", "That is fine, I will wait for the letter."]),
    ]
    audio, continuations = [np.zeros(SAMPLE_RATE, np.float32)], []
    for turn, (lang, voice, parts) in enumerate(turns):
        for part, text in enumerate(parts):
            path = speech.synthesize(text, lang, voice, tmp_path / f"t{turn}-{part}.wav")
            if part == 1:
                continuations.append(sum(map(len, audio)) / SAMPLE_RATE)
            audio += [_speech_only(path), np.zeros(int(0.45 * SAMPLE_RATE), np.float32)]
        audio[-1] = np.zeros(int(1.3 * SAMPLE_RATE), np.float32)
    audio = np.concatenate(audio)

    def first_commits(options: StreamingOptions) -> tuple[StreamResult, list[float]]:
        result = stream_audio(whisper_engine, audio, options=options)
        firsts = []
        for start in continuations:
            holder = next(e for e in result.ended if e.audio_start <= start < e.speech_end)
            firsts.append(
                min(e.audio_end for e in result.committed if e.utterance_id == holder.utterance_id)
            )
        return result, firsts

    held, held_firsts = first_commits(StreamingOptions())
    _, eager_firsts = first_commits(StreamingOptions(weak_opening_seconds=0.0))
    assert held.recognizer.stats.openings_held >= 2
    print(f"\nfirst commits: held {held_firsts}, eager {eager_firsts}; rest {continuations}")
    # Without the hold the openings are committed at their pause, before the rest is said;
    # with it, only once some of the rest is heard.
    pairs = list(zip(continuations, eager_firsts, held_firsts, strict=True))
    assert all(eager <= rest for rest, eager, _ in pairs)
    assert all(held >= rest + 0.5 for rest, _, held in pairs)
    ended = {e.utterance_id: e for e in held.ended if e.text}
    assert [e.lang for e in ended.values()] == [lang for lang, _, _ in turns]
    assert all(e.lang == ended[e.utterance_id].lang for e in held.committed)


def test_an_answer_that_follows_within_half_a_second_is_not_committed_as_the_staff(
    whisper_engine, tmp_path, require_speech
):
    """The client answers 0.45 s after the staff, opening with "Okay." or "Yes.": the
    answer's first word is held like an opening, not committed into the staff's utterance
    and moved out again later; each utterance commits only its own language."""
    require_speech("finnish", "english")
    parts = [
        ("fi", "lj", "Virtanen on tänään etänä, mutta hän voi jutella kanssanne puhelimessa."),
        ("en", "fr", "Okay."),
        ("en", "fr", "Can I speak a little Finnish? I am learning it."),
        ("fi", "mv", "Lomake on nyt valmis, ja lähetän sen tänään."),
        ("en", "en-gb", "Yes."),
        ("en", "en-gb", "That is fine, I will wait for the letter."),
    ]
    audio = [np.zeros(SAMPLE_RATE, np.float32)]
    for index, (lang, voice, text) in enumerate(parts):
        path = speech.synthesize(text, lang, voice, tmp_path / f"p{index}.wav")
        gap = 1.3 if index in (2, 5) else 0.45
        audio += [_speech_only(path), np.zeros(int(gap * SAMPLE_RATE), np.float32)]
    audio = np.concatenate(audio)

    def run(options: StreamingOptions) -> StreamResult:
        result = stream_audio(whisper_engine, audio, options=options)
        texts = [(e.lang, e.text) for e in result.events if e.type in ("committed", "revised")]
        print(f"\nweak_opening_seconds={options.weak_opening_seconds}: {texts}")
        return result

    held = run(StreamingOptions())
    eager = run(StreamingOptions(weak_opening_seconds=0.0))
    revisions = [e for e in eager.events if e.type == "revised"]
    # Without the hold, an answer's opening is committed as the staff's and moved later.
    assert revisions
    assert not [e for e in held.events if e.type == "revised"]
    ended = {e.utterance_id: e for e in held.ended if e.text}
    assert [e.lang for e in ended.values()] == ["fi", "en", "fi", "en"]
    assert all(e.lang == ended[e.utterance_id].lang for e in held.committed)
