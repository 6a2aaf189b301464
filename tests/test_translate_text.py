"""Sentence splitting, protected spans, span verification, degenerate output and the cache."""

from __future__ import annotations

import threading
import time

import pytest

from interpreter.translate.cache import TranslationCache
from interpreter.translate.sentences import Segment, reassemble, split_sentences
from interpreter.translate.text import (
    Masked,
    is_degenerate,
    placeholder,
    protect,
    verify_spans,
)

PARAGRAPHS = {
    "fi": (
        "Hei! Mitä kuuluu? Tule esim. klo 12.30 Kelaan, jne. ym. asiat hoidetaan. "
        'Maksu on n. 3.5 euroa 1.2.2025 mennessä.  Hän sanoi: "Tule huomenna." Sitten lähti…'
    ),
    "en": "Mr. Smith arrived at 3.30 p.m. today. Dr. Jones, i.e. the GP, left! Did he? Yes.",
    "ar": "مرحبا، كيف حالك؟ أنا بخير. شكرا لك!",
    "zh": "你好。我想申请住房补贴！请问需要什么文件？谢谢",
}
EXPECTED = {
    "fi": [
        "Hei!",
        "Mitä kuuluu?",
        "Tule esim. klo 12.30 Kelaan, jne. ym. asiat hoidetaan.",
        "Maksu on n. 3.5 euroa 1.2.2025 mennessä.",
        'Hän sanoi: "Tule huomenna."',
        "Sitten lähti…",
    ],
    "en": [
        "Mr. Smith arrived at 3.30 p.m. today.",
        "Dr. Jones, i.e. the GP, left!",
        "Did he?",
        "Yes.",
    ],
    "ar": ["مرحبا، كيف حالك؟", "أنا بخير.", "شكرا لك!"],
    "zh": ["你好。", "我想申请住房补贴！", "请问需要什么文件？", "谢谢"],
}


@pytest.mark.parametrize("lang", sorted(PARAGRAPHS))
def test_split_and_reassemble_round_trip(lang: str) -> None:
    text = PARAGRAPHS[lang]
    segments = split_sentences(text, lang)
    assert [s.text for s in segments] == EXPECTED[lang]
    assert reassemble([s.text for s in segments], segments) == text


@pytest.mark.parametrize(
    "text",
    [
        "  Leading space. And trailing \n",
        "Line one\nLine two.\n\nThird paragraph",
        "Wait... what? OK…",
        "Ei välimerkkiä lopussa",
    ],
)
def test_round_trip_keeps_separators(text: str) -> None:
    segments = split_sentences(text, "fi")
    assert reassemble([s.text for s in segments], segments) == text
    assert all(s.text.strip() == s.text and s.text for s in segments)


def test_blank_text_has_no_segments() -> None:
    assert split_sentences("", "fi") == split_sentences(" \n ", "fi") == []
    assert reassemble([], []) == ""


def test_abbreviations_decimals_dates_do_not_split() -> None:
    for text in (
        "Soita esim. Kelaan.",
        "Aukeaa klo 12.30 tänään.",
        "Hinta on 3.5 euroa.",
        "Eräpäivä 1.2.2025 on pian.",
        "Tule 5. toukokuuta.",
        "Dr. Who and Mrs. Hudson, e.g. friends.",
        "Katso kela.fi lisää.",
    ):
        assert len(split_sentences(text, "fi")) == 1, text


def test_newline_splits_and_separator_adapts_to_target() -> None:
    segments = split_sentences("你好。谢谢！", "zh")
    assert reassemble(["Hello.", "Thanks!"], segments, target_lang="en") == "Hello. Thanks!"
    segments = split_sentences("Hello. Thanks!", "en")
    assert reassemble(["你好。", "谢谢！"], segments, target_lang="zh") == "你好。谢谢！"
    with pytest.raises(ValueError):
        reassemble(["a"], [Segment("a"), Segment("b")])


SPAN_CASES = {
    "number": ["3.5", "10 000", "42"],
    "time": ["12:30", "12.30"],
    "date": ["1.2.2025", "2025-02-01"],
    "money": ["12,50 €", "€12.50", "30 EUR"],
    "phone": ["+358 40 123 4567", "040-1234567", "09 310 1234"],
    "email": ["neuvonta@hel.fi"],
    "url": ["https://www.hel.fi/fi/asuminen?x=1", "kela.fi"],
}


@pytest.mark.parametrize("kind", sorted(SPAN_CASES))
def test_protect_every_kind(kind: str) -> None:
    for span in SPAN_CASES[kind]:
        text = f"Tieto: {span}, kiitos."
        masked = protect(text)
        assert masked.text == "Tieto: [[1]], kiitos.", span
        assert masked.spans[1].source == span
        assert masked.spans[1].kind == kind, span
        assert masked.restore(masked.text) == (text, [])


def test_protect_keeps_context_words() -> None:
    masked = protect("Maksa 100 euroa klo 12.30 mennessä.")
    assert masked.text == "Maksa [[1]] euroa klo [[2]] mennessä."
    assert [s.kind for s in masked.spans.values()] == ["number", "time"]
    assert protect("mp3 ja H1N1").text == "mp3 ja H1N1"


def test_url_ends_at_chinese_punctuation() -> None:
    masked = protect("网址是www.hel.fi。请看https://hel.fi/a?x=1，谢谢！")
    assert masked.text == "网址是[[1]]。请看[[2]]，谢谢！"
    assert [s.source for s in masked.spans.values()] == ["www.hel.fi", "https://hel.fi/a?x=1"]


def test_restore_tolerates_moved_and_respaced_placeholders() -> None:
    source = "Soita 09 310 1234 klo 12:30 tai mene osoitteeseen https://hel.fi."
    masked = protect(source)
    fake = "At [ [2] ] call ［［1］］, or go to [[3 ]]."
    restored, problems = masked.restore(fake)
    assert restored == "At 12:30 call 09 310 1234, or go to https://hel.fi."
    assert problems == []
    restored, problems = masked.restore("At [2] call [[1], see [3]].")
    assert (restored, problems) == ("At 12:30 call 09 310 1234, see https://hel.fi.", [])
    arabic_digits = masked.restore("[[١]] [[٢]] [[٣]]")
    assert arabic_digits == ("09 310 1234 12:30 https://hel.fi", [])


def test_restore_reports_missing_duplicated_and_unknown() -> None:
    masked = protect("Hinta 12,50 € ja puhelin 040-1234567.")
    restored, problems = masked.restore("Price [[1]] [[1]] and [[7]].")
    assert restored == "Price 12,50 € 12,50 € and [[7]]. 040-1234567"
    assert any("duplicated" in p for p in problems)
    assert any("mangled" in p and "[[7]]" in p for p in problems)
    assert any("missing phone '040-1234567'" in p for p in problems)
    restored, problems = masked.restore("Price [[1]].", append_missing=False)
    assert restored == "Price 12,50 €." and len(problems) == 1


def test_single_bracket_form_only_when_source_has_none() -> None:
    masked = protect("Katso [a] ja [b] kohta 5.")
    assert masked.restore("See [a] and [b] item [[1]].")[0] == "See [a] and [b] item 5."
    masked = Masked("Viite [2] ja [[1]]", {})
    assert masked.restore("Ref [2]")[0] == "Ref [2]"


def test_protect_skips_existing_placeholders_and_merges() -> None:
    first = Masked("Hae [[1]] ennen 1.2.2025.", {})
    second = protect(first.text, first_index=2)
    assert second.text == "Hae [[1]] ennen [[2]]."
    merged = Masked(first.text, {}).merge(second)
    assert merged.next_index == 3
    with pytest.raises(ValueError):
        second.merge(second)
    assert placeholder(4) == "[[4]]"


def test_verify_spans() -> None:
    source = "Soita 040-1234567 klo 12.30, hinta 15 €, 1.2.2025, neuvonta@hel.fi."
    good = "Call 040-1234567 at 12.30, price 15 €, 1.2.2025, neuvonta@hel.fi."
    assert verify_spans(source, good) == []
    bad = "Call 040 1234567 at 12:30, price 150 €."
    assert verify_spans(source, bad) == [
        "040-1234567",
        "12.30",
        "15 €",
        "1.2.2025",
        "neuvonta@hel.fi",
    ]
    assert verify_spans("10 000 euroa", "10\u00a0000 euros") == []
    assert verify_spans("", "") == []


def test_degenerate_detection() -> None:
    source = "Hyvää päivää, miten voin auttaa teitä tänään?"
    assert is_degenerate(source, "Good day, how can I help you today?") is None
    assert is_degenerate(source, "") is not None
    assert "repetition" in (is_degenerate(source, "Hello hello hello hello there") or "")
    assert "repetition" in (is_degenerate(source, "I can, I can, I can, I can help") or "")
    looping = "how can I help you with the form today and " * 2
    assert "twice" in (is_degenerate(source + " " + source, looping) or "")
    rambling = " ".join(f"word{i}" for i in range(40))
    assert "long" in (is_degenerate(source, rambling) or "")
    assert "only" in (is_degenerate(source, "Hi.") or "")
    assert is_degenerate("", "") is None
    assert is_degenerate("Kyllä.", "Yes, yes, yes") is None  # short: no ratio check
    assert is_degenerate("no no no no", "ei ei ei ei") is None  # the source repeats too
    assert (
        is_degenerate("Haluan hakea asumistukea ensi kuussa.", "我想下个月申请住房补贴。") is None
    )


def test_bad_input_long_mixed_and_rtl_text() -> None:
    text = (
        "Soita 040-1234567 klo 12.30. Hinta on 12,50 €! مرحبا؟ 你好。 Kela.fi esim. tänään. "
    ) * 130
    assert len(text) > 10_000
    started = time.perf_counter()
    segments = split_sentences(text, "fi")
    masked = protect(text)
    restored, problems = masked.restore(masked.text)
    missing = verify_spans(text, text)
    reason = is_degenerate(text, text)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, elapsed
    assert reassemble([s.text for s in segments], segments) == text
    assert (restored, problems, missing) == (text, [], [])
    assert reason is None  # it repeats, but so does the source
    rtl = "الرجاء الاتصال على 040-1234567 قبل 12:30"
    masked = protect(rtl)
    assert masked.text == "الرجاء الاتصال على [[1]] قبل [[2]]"
    assert masked.restore("[[2]] قبل [[1]]") == ("12:30 قبل 040-1234567", [])


def test_cache_lru_eviction_and_counters() -> None:
    cache: TranslationCache[str] = TranslationCache(max_entries=2)
    cache.put("fi-en", "Hei", "v1", "Hi")
    cache.put("fi-en", "Moi", "v1", "Hello")
    assert cache.get("fi-en", "Hei", "v1") == "Hi"  # Hei is now the most recent
    cache.put("fi-en", "Kiitos", "v1", "Thanks")  # evicts Moi
    assert cache.get("fi-en", "Moi", "v1") is None
    assert cache.get("fi-en", "Hei", "v2") is None  # another glossary version
    assert cache.get("fi-sv", "Hei", "v1") is None  # another route
    stats = cache.stats()
    assert (stats.size, stats.hits, stats.misses) == (2, 1, 3)
    assert stats.hit_rate == 0.25
    assert cache.drop_route("fi-en") == 2 and len(cache) == 0
    cache.put("a", "b", "c", "d")
    cache.clear()
    assert (len(cache), cache.hits, cache.misses) == (0, 0, 0)
    with pytest.raises(ValueError):
        TranslationCache(max_entries=0)


def test_cache_thread_safety_smoke() -> None:
    cache: TranslationCache[int] = TranslationCache(max_entries=50)

    def worker(n: int) -> None:
        for i in range(2000):
            key = f"s{(i * 7 + n) % 120}"
            if cache.get("r", key, "v") is None:
                cache.put("r", key, "v", i)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = cache.stats()
    assert stats.size <= 50
    assert stats.hits + stats.misses == 8 * 2000
