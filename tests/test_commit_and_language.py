"""The stable-prefix commit policy, language restriction and guards (no model)."""

import pytest

from interpreter.asr.commit import CommitState
from interpreter.asr.guards import (
    GuardOptions,
    is_no_speech,
    is_silence_phrase,
    remove_repetition_loops,
)
from interpreter.asr.language import LanguageChooser, LanguagePair
from interpreter.events import CLIENT, STAFF


def test_words_commit_only_when_two_hypotheses_agree():
    state = CommitState()
    assert state.agree("hyvää päi".split()) == ([], ["hyvää", "päi"])
    newly, tail = state.agree("hyvää päivää miten".split())
    assert newly == ["hyvää"] and tail == ["päivää", "miten"]
    # The next hypothesis covers the words after the committed prefix only.
    newly, tail = state.agree("päivää miten voin".split())
    assert newly == ["päivää", "miten"] and tail == ["voin"]
    assert state.committed_text == "hyvää päivää miten"


def test_committed_words_never_change_when_hypotheses_diverge():
    state = CommitState()
    state.agree("a b c".split())
    state.agree("a b x".split())
    assert state.committed == ["a", "b"]
    state.agree("y z".split())
    assert state.committed == ["a", "b"]
    assert state.commit_all(["y", "z"]) == ["y", "z"]
    assert state.committed_text == "a b y z"


def test_case_and_punctuation_do_not_break_agreement():
    state = CommitState()
    state.agree("Päätös tulee yleensä kolmessa viikossa,".split())
    newly, tail = state.agree("päätös tulee yleensä kolmessa viikossa. Ja saatte".split())
    # The newest reading's spelling is the one committed.
    assert newly == "päätös tulee yleensä kolmessa viikossa.".split()
    assert tail == ["Ja", "saatte"]


def test_a_short_disagreement_between_agreeing_words_is_bridged():
    state = CommitState()
    state.agree("lähetän sen kelloille sähköpostilla päätös tulee".split())
    newly, tail = state.agree("lähetän sen kylalle sähköpostilla päätös tulee yleensä".split())
    assert newly == "lähetän sen kylalle sähköpostilla päätös tulee".split()
    assert tail == ["yleensä"]
    # Split differently ("saat ja" / "saattaa") is bridged the same way.
    state = CommitState()
    state.agree("ja saat ja siitä kirjeen uutena".split())
    newly, _ = state.agree("ja saattaa siitä kirjeen uutena osoite".split())
    assert newly == "ja saattaa siitä kirjeen uutena".split()


def test_a_disagreement_is_not_bridged_without_agreement_after_it():
    state = CommitState()
    state.agree("a b c d".split())
    # Only one agreeing word follows the disagreement: not enough to bridge it.
    assert state.agree("a x c".split()) == (["a"], ["x", "c"])
    state = CommitState()
    state.agree("a b c d e".split())
    # Three words read differently are more than a short disagreement.
    assert state.agree("a x y z d e".split())[0] == ["a"]


def test_three_way_agreement_is_more_cautious():
    state = CommitState(agreement=3)
    assert state.agree("a b c".split())[0] == []
    assert state.agree("a b d".split())[0] == []
    newly, tail = state.agree("a x d e".split())
    assert newly == ["a"] and tail == ["x", "d", "e"]
    state.forget_hypotheses()
    assert state.agree("x d e".split())[0] == []


def test_pair_parsing_and_errors():
    assert LanguagePair.parse("fi-en") == LanguagePair("fi", "en")
    assert LanguagePair.parse("ar-fi") == LanguagePair("fi", "ar")
    for bad in ("fi", "en-sv", "fi-fi", "fi-e1"):
        with pytest.raises(ValueError):
            LanguagePair.parse(bad)


def test_detection_is_restricted_to_the_pair():
    chooser = LanguageChooser(LanguagePair("fi", "en"))
    # Estonian scores highest overall, but only fi and en can be spoken at this desk.
    assert chooser.restrict({"et": 0.6, "fi": 0.3, "en": 0.05})["fi"] == pytest.approx(0.3 / 0.35)
    decision = chooser.choose({"et": 0.6, "fi": 0.3, "en": 0.01})
    assert decision.lang == "fi" and decision.side == STAFF and not decision.fallback


def test_unsure_detection_leans_on_push_to_talk_then_on_turn_taking():
    chooser = LanguageChooser(LanguagePair("fi", "sv"))
    unsure = {"fi": 0.4, "sv": 0.35}
    assert chooser.choose(unsure).side == STAFF  # nobody spoke yet: staff opens
    assert chooser.choose(unsure).fallback
    chooser.remember(STAFF)
    # After the staff, the client usually answers.
    decision = chooser.choose({"fi": 0.45, "sv": 0.55})
    assert decision.side == CLIENT and decision.lang == "sv" and decision.fallback
    assert chooser.choose(unsure, held_side=CLIENT).lang == "sv"
    assert chooser.choose(unsure, held_side=STAFF).lang == "fi"
    # Clear evidence wins over every prior.
    assert chooser.choose({"fi": 0.99, "sv": 0.01}, held_side=CLIENT).lang == "fi"
    assert chooser.forced(CLIENT).lang == "sv"


def test_short_audio_counts_less_than_long_audio():
    chooser = LanguageChooser(LanguagePair("fi", "en"))
    chooser.remember(CLIENT)  # the staff is expected next
    short = chooser.evidence()
    short.observe_detection({"fi": 0.1, "en": 0.9}, audio_seconds=0.5)
    assert chooser.decide(short).lang == "fi"  # half a second does not beat turn-taking
    long = chooser.evidence()
    long.observe_detection({"fi": 0.1, "en": 0.9}, audio_seconds=2.5)
    assert chooser.decide(long).lang == "en"


def test_the_detectors_english_lean_on_short_audio_is_taken_off():
    chooser = LanguageChooser(LanguagePair("fi", "en"))
    chooser.remember(CLIENT)  # the staff is expected next
    evidence = chooser.evidence()
    # A one-word Finnish answer that the detector calls English by 4 log-odds (typical):
    # the lean of short audio, not evidence, so turn-taking decides.
    evidence.observe_detection({"fi": 0.018, "en": 0.982}, audio_seconds=0.6)
    assert evidence.logodds < 0 and chooser.decide(evidence).lang == "fi"
    # A short English word sounds more English than that, and stays English.
    evidence.observe_detection({"fi": 0.0005, "en": 0.9995}, audio_seconds=0.6)
    assert chooser.decide(evidence).lang == "en"
    # From 2 s of audio on, the detector is taken as it is; with English as the staff's
    # language the lean counts the other way; pairs without English have none.
    assert evidence.detector_lean(2.0) == 0.0 < evidence.detector_lean(1.0)
    english_staff = LanguageChooser(LanguagePair("en", "fi")).evidence()
    assert english_staff.detector_lean(0.6) == -evidence.detector_lean(0.6)
    assert LanguageChooser(LanguagePair("fi", "sv")).evidence().detector_lean(0.6) == 0.0


def test_evidence_of_stretches_adds_up():
    chooser = LanguageChooser(LanguagePair("fi", "en"))
    evidence = chooser.evidence()
    evidence.observe_detection({"fi": 0.3, "en": 0.7}, audio_seconds=0.6)  # "Okay,"
    evidence.observe_likelihood(staff_logprob=-0.5, client_logprob=-0.55)
    evidence.fold()
    assert chooser.decide(evidence).fallback
    evidence.observe_detection({"fi": 0.01, "en": 0.99}, audio_seconds=2.0)
    decision = chooser.decide(evidence)
    assert decision.lang == "en" and not decision.fallback and decision.probability > 0.9
    assert evidence.audio_seconds == pytest.approx(2.6)


def test_repetition_loops_are_cut_to_one_copy():
    options = GuardOptions()
    words = "voitte auttaa minne minne minne minne minne".split()
    cut, looped = remove_repetition_loops(words, options)
    assert looped and cut == ["voitte", "auttaa", "minne"]
    phrase = "kiitos paljon kiitos paljon kiitos paljon kiitos paljon".split()
    assert remove_repetition_loops(phrase, options) == (["kiitos", "paljon"], True)
    assert remove_repetition_loops("yksi kaksi kolme".split(), options)[1] is False
    doubled = "I don't have a license. I don't have a license.".split()
    assert remove_repetition_loops(doubled, options) == ("I don't have a license.".split(), True)
    # Short phrases said twice are ordinary speech.
    assert remove_repetition_loops("kiitos kiitos ja hei hei".split(), options)[1] is False


def test_no_speech_rule_and_silence_phrases():
    options = GuardOptions()
    assert is_no_speech(0.9, -1.2, options)
    assert not is_no_speech(0.9, -0.3, options)  # confident text despite no-speech score
    assert is_no_speech(0.1, -2.0, options)
    assert is_silence_phrase("Kiitos katsomisesta!")
    assert not is_silence_phrase("Kiitos avusta")
