"""Phrase-set metrics equal sacrebleu's and jiwer's figures on fixed inputs."""

from __future__ import annotations

import jiwer
import pytest
import sacrebleu

from interpreter.phrases import metrics
from interpreter.phrases.results import MT_STAGE, TOTAL, PhraseResult, RunResult
from interpreter.textnorm import normalise_for_wer
from interpreter.translate.finnish import no_lemmatizer
from interpreter.translate.glossary import Glossary, parse

HYPOTHESES = [
    "Please take a queue number.",
    "Room 12 is on second floor.",
    "Could you talk more slowly?",
]
REFERENCES = [
    ("Please take a queue number.", "Take a number, please."),
    ("Room 12 is on the second floor.",),
    ("Could you speak more slowly?", "Can you speak slower?"),
]


def test_sentence_scores_equal_sacrebleu():
    for hyp, refs in zip(HYPOTHESES, REFERENCES, strict=True):
        assert metrics.sentence_chrf(hyp, refs) == pytest.approx(
            sacrebleu.sentence_chrf(hyp, list(refs)).score
        )
        assert metrics.sentence_bleu(hyp, refs) == pytest.approx(
            sacrebleu.sentence_bleu(hyp, list(refs)).score
        )


def test_corpus_scores_with_varying_reference_counts_equal_sacrebleu():
    scores = metrics.corpus_scores(HYPOTHESES, REFERENCES)
    first = [refs[0] for refs in REFERENCES]
    second = [refs[1] if len(refs) > 1 else None for refs in REFERENCES]
    assert scores["chrf"] == pytest.approx(sacrebleu.corpus_chrf(HYPOTHESES, [first, second]).score)
    assert scores["bleu"] == pytest.approx(sacrebleu.corpus_bleu(HYPOTHESES, [first, second]).score)
    assert (
        scores["bleu_signature"].startswith("nrefs:var|") and "tok:13a" in scores["bleu_signature"]
    )
    assert "nc:6" in scores["chrf_signature"]


def test_error_rates_equal_jiwer_after_the_documented_normalisation():
    reference = "Kelan päätös tulee postissa, noin kuukauden kuluessa."
    hypothesis = "kelan päätös tulee postissa noin kuukauden kuluttua"
    assert metrics.word_error_rate(reference, hypothesis) == pytest.approx(
        jiwer.wer(normalise_for_wer(reference), normalise_for_wer(hypothesis))
    )
    assert metrics.character_error_rate(reference, hypothesis) == pytest.approx(
        jiwer.cer(normalise_for_wer(reference), normalise_for_wer(hypothesis))
    )
    # Case and punctuation are not errors; one wrong word of seven is.
    assert metrics.word_error_rate(reference, hypothesis) == pytest.approx(1 / 7)
    assert metrics.word_error_rate("TE-toimisto, Kela.", "te toimisto kela") == 0.0
    refs, hyps = [reference, "Kiitos."], [hypothesis, "kiitos"]
    assert metrics.word_error_rate(refs, hyps) == pytest.approx(
        jiwer.wer([normalise_for_wer(r) for r in refs], [normalise_for_wer(h) for h in hyps])
    )


@pytest.fixture
def glossary() -> Glossary:
    text = "fi\ten\tnote\nasumistuki\thousing allowance\t\nKela\t=\t\nTE-toimisto\tTE Office\t\n"
    return Glossary(parse(text), lemmatizer=no_lemmatizer)


def test_glossary_terms_follow_inflection_and_keep_rules(glossary):
    source = "Kelan asumistukea haetaan TE-toimistosta."
    good = metrics.glossary_terms(
        glossary, source, "fi", "Kela's housing allowance is applied for at the TE Office.", "en"
    )
    assert [(t["expected"], t["ok"]) for t in good] == [
        ("Kela", True),
        ("housing allowance", True),
        ("TE Office", True),
    ]
    bad = metrics.glossary_terms(
        glossary,
        source,
        "fi",
        "The housing benefit of KELA is applied at the employment office.",
        "en",
    )
    assert [(t["term"], t["ok"]) for t in bad] == [
        ("Kelan", True),  # matching is case-insensitive
        ("asumistukea", False),
        ("TE-toimistosta", False),
    ]
    back = metrics.glossary_terms(
        glossary, "Where is the TE Office?", "en", "Missä on TE-toimisto?", "fi"
    )
    assert [(t["expected"], t["ok"]) for t in back] == [("TE-toimisto", True)]
    assert metrics.glossary_terms(None, source, "fi", "anything", "en") == []


def _result(pid: str, source: str, target: str, translation: str, refs, seconds: float):
    result = PhraseResult(
        phrase_id=pid, side="staff" if source == "fi" else "client", source_lang=source,
        target_lang=target, source_text="x", transcript=None, translation=translation,
        references=tuple(refs), latency={MT_STAGE: seconds, TOTAL: seconds},
    )  # fmt: skip
    result.scores = metrics.phrase_scores(result, None, audio=False)
    return result


def test_summary_per_direction_and_latency_percentiles():
    results = [
        _result("a", "fi", "en", HYPOTHESES[0], REFERENCES[0], 0.1),
        _result("b", "fi", "en", HYPOTHESES[1], REFERENCES[1], 0.2),
        _result("c", "fi", "en", HYPOTHESES[2], REFERENCES[2], 0.3),
        _result("d", "en", "fi", "Kiitos.", ["Kiitos."], 0.4),
        _result("e", "en", "fi", "Kiitos.", ["Näkemiin."], 0.5),
    ]
    results[4].flags = ("untranslated",)
    run = RunResult("s", "s.tsv", {"pair": "fi-en"}, {}, {}, "", "", results)
    summary = metrics.summarize(run)
    fi_en = summary["directions"]["fi-en"]
    assert fi_en["chrf"] == pytest.approx(
        sacrebleu.corpus_chrf(
            HYPOTHESES,
            [[r[0] for r in REFERENCES], [r[1] if len(r) > 1 else None for r in REFERENCES]],
        ).score
    )
    assert summary["directions"]["en-fi"]["untranslated"] == 1
    assert summary["total"]["flagged"] == 1 and summary["total"]["phrases"] == 5
    assert "chrf" not in summary["total"]  # scores over two target languages mean nothing
    latency = summary["total"]["latency"][TOTAL]
    assert (latency["n"], latency["p50"], latency["max"]) == (5, pytest.approx(0.3), 0.5)
    assert latency["p95"] == pytest.approx(0.48)
    assert summary["total"]["latency"]["speech_end->committed"]["n"] == 0
