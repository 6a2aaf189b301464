"""Sentence splitting: sentencex, and the rules around it that keep protected spans whole.

The tests of abbreviations, numbers, dates and separators from before sentencex are in
``test_translate_text.py``; these cover the client languages of the catalog and each of
the module's own rules, checked against what sentencex alone does.
"""

from __future__ import annotations

import pytest
from sentencex import segment

from interpreter.translate.sentences import reassemble, split_sentences
from interpreter.translate.text import find_spans

#: Per client language of the catalog: a short desk exchange full of protected spans
#: (phone numbers, times, dates, money, e-mail addresses, URLs) and its sentences.
CLIENT_LANGUAGES = {
    "sv": (
        "Ring 09 310 1234 före kl. 14.30. Blanketten finns på www.hel.fi/blankett?Typ=A. "
        "Det kostar ca. 12,50 €. Tack!",
        [
            "Ring 09 310 1234 före kl. 14.30.",
            "Blanketten finns på www.hel.fi/blankett?Typ=A.",
            "Det kostar ca. 12,50 €.",
            "Tack!",
        ],
    ),
    "ru": (
        "Позвоните по номеру +358 40 123 4567. Приём 3.5.2025 в 14:30, в т.ч. по субботам. "
        "Подробнее на https://www.kela.fi/Asumistuki. Спасибо!",
        [
            "Позвоните по номеру +358 40 123 4567.",
            "Приём 3.5.2025 в 14:30, в т.ч. по субботам.",
            "Подробнее на https://www.kela.fi/Asumistuki.",
            "Спасибо!",
        ],
    ),
    "uk": (
        "Зателефонуйте 040-1234567 до 16.00. Оплата 120 € до 1.2.2025. "
        "Пишіть на neuvonta@hel.fi. Дякую!",
        [
            "Зателефонуйте 040-1234567 до 16.00.",
            "Оплата 120 € до 1.2.2025.",
            "Пишіть на neuvonta@hel.fi.",
            "Дякую!",
        ],
    ),
    "ar": (
        "اتصل على 040-1234567 قبل 12:30. الرسوم 12,50 € تدفع قبل 1.2.2025. هل هذا واضح؟ شكرا!",
        [
            "اتصل على 040-1234567 قبل 12:30.",
            "الرسوم 12,50 € تدفع قبل 1.2.2025.",
            "هل هذا واضح؟",
            "شكرا!",
        ],
    ),
    "fa": (
        "لطفا با 040-1234567 تماس بگیرید. وقت شما 3.5.2025 ساعت 14.30 است. سایت www.hel.fi. ممنون!",
        [
            "لطفا با 040-1234567 تماس بگیرید.",
            "وقت شما 3.5.2025 ساعت 14.30 است.",
            "سایت www.hel.fi.",
            "ممنون!",
        ],
    ),
    "so": (
        "Fadlan wac 040-1234567. Ballantaadu waa 3.5.2025 saacadda 14.30. "
        "Ka eeg www.hel.fi/Kela.Asumistuki. Mahadsanid!",
        [
            "Fadlan wac 040-1234567.",
            "Ballantaadu waa 3.5.2025 saacadda 14.30.",
            "Ka eeg www.hel.fi/Kela.Asumistuki.",
            "Mahadsanid!",
        ],
    ),
    "tr": (
        "Lütfen 040-1234567 numarasını arayın. Randevunuz 3.5.2025 saat 14.30. "
        "Ücret 12,50 €. Teşekkürler!",
        [
            "Lütfen 040-1234567 numarasını arayın.",
            "Randevunuz 3.5.2025 saat 14.30.",
            "Ücret 12,50 €.",
            "Teşekkürler!",
        ],
    ),
    "vi": (
        "Vui lòng gọi 040-1234567. Cuộc hẹn lúc 14.30 ngày 3.5.2025. Xem www.hel.fi. Cảm ơn!",
        [
            "Vui lòng gọi 040-1234567.",
            "Cuộc hẹn lúc 14.30 ngày 3.5.2025.",
            "Xem www.hel.fi.",
            "Cảm ơn!",
        ],
    ),
    "sq": (
        "Ju lutem telefononi 040-1234567. Takimi është më 3.5.2025 në orën 14.30. Faleminderit!",
        [
            "Ju lutem telefononi 040-1234567.",
            "Takimi është më 3.5.2025 në orën 14.30.",
            "Faleminderit!",
        ],
    ),
    "es": (
        "Llame al 040-1234567 aprox. 14.30. La cita es el 3.5.2025. ¿Tiene el número? ¡Gracias!",
        [
            "Llame al 040-1234567 aprox. 14.30.",
            "La cita es el 3.5.2025.",
            "¿Tiene el número?",
            "¡Gracias!",
        ],
    ),
    "et": (
        "Helistage 040-1234567. Aeg on 3.5.2025 kell 14.30. Vt. www.hel.fi. Aitäh!",
        ["Helistage 040-1234567.", "Aeg on 3.5.2025 kell 14.30.", "Vt. www.hel.fi.", "Aitäh!"],
    ),
    "en": (
        "Call 040-1234567 before approx. 14:30. See https://hel.fi/haku?Kela=1 for the form. "
        "It costs 12.50 €. Thanks!",
        [
            "Call 040-1234567 before approx. 14:30.",
            "See https://hel.fi/haku?Kela=1 for the form.",
            "It costs 12.50 €.",
            "Thanks!",
        ],
    ),
    "fi": (
        "Soita numeroon 09 310 1234 esim. klo 12.30. Lomake on osoitteessa "
        "www.hel.fi/haku?Lomake=2. Maksu on n. 12,50 €. Kiitos!",
        [
            "Soita numeroon 09 310 1234 esim. klo 12.30.",
            "Lomake on osoitteessa www.hel.fi/haku?Lomake=2.",
            "Maksu on n. 12,50 €.",
            "Kiitos!",
        ],
    ),
    "zh": (
        "请拨打040-1234567。网址是www.hel.fi。费用是12,50 €。谢谢！",
        ["请拨打040-1234567。", "网址是www.hel.fi。", "费用是12,50 €。", "谢谢！"],
    ),
}


def _span_texts(text: str) -> list[str]:
    return [text[start:end] for start, end, _kind in find_spans(text)]


@pytest.mark.parametrize("lang", sorted(CLIENT_LANGUAGES))
def test_client_languages_keep_protected_spans_whole(lang: str) -> None:
    text, expected = CLIENT_LANGUAGES[lang]
    segments = split_sentences(text, lang)
    assert [s.text for s in segments] == expected
    assert reassemble([s.text for s in segments], segments) == text
    # Every span of the text is found, whole, in the sentences, in the same order.
    in_sentences = [span for s in segments for span in _span_texts(s.text)]
    assert in_sentences == _span_texts(text)
    assert len(in_sentences) >= 3


def _sentencex(text: str, lang: str) -> list[str]:
    return [piece.strip() for piece in segment(lang, text) if piece.strip()]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # rule 1: a line break ends a sentence
        ("fi", "Rivi yksi\nRivi kaksi.", ["Rivi yksi", "Rivi kaksi."]),
        # rule 2: no boundary inside a URL
        ("fi", "Katso https://hel.fi/haku?Kela=1 nyt.", ["Katso https://hel.fi/haku?Kela=1 nyt."]),
        ("so", "Ka eeg www.hel.fi/Kela.Asumistuki.", ["Ka eeg www.hel.fi/Kela.Asumistuki."]),
        # rule 3: no boundary before a lower-case letter
        ("sv", "Vi ses kl. fem.", ["Vi ses kl. fem."]),
        ("et", "Olen sündinud 3. mail 1990. Aitäh!", ["Olen sündinud 3. mail 1990.", "Aitäh!"]),
        # rule 4: no boundary between a lower-case word's dot and a time or date
        ("sv", "Öppet t.ex. 14.30 idag. Välkommen!", ["Öppet t.ex. 14.30 idag.", "Välkommen!"]),
        ("en", "Come approx. 1.2.2025 or later.", ["Come approx. 1.2.2025 or later."]),
    ],
)
def test_own_rules_fix_what_sentencex_splits_otherwise(
    lang: str, text: str, expected: list[str]
) -> None:
    assert [s.text for s in split_sentences(text, lang)] == expected
    assert _sentencex(text, lang) != expected  # otherwise the rule is not needed here


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # a number after a number's dot, and a capital after a time, still end a sentence
        ("sv", "Rum 304. 14.30 börjar mötet.", ["Rum 304.", "14.30 börjar mötet."]),
        ("fi", "Tule klo 12.30. Ovi on auki.", ["Tule klo 12.30.", "Ovi on auki."]),
        # a placeholder after a sentence end
        ("fi", "Hae [[1]]. Sitten [[2]].", ["Hae [[1]].", "Sitten [[2]]."]),
        # Arabic has no letter case: its sentences end as sentencex says
        ("ar", "الموعد في 12:30. شكرا!", ["الموعد في 12:30.", "شكرا!"]),
    ],
)
def test_rules_leave_real_sentence_ends(lang: str, text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text, lang)] == expected


def test_separators_around_joined_and_broken_lines() -> None:
    text = "  Soita kl. 14.30 tänään. \n\n Tai huomenna.\t"
    segments = split_sentences(text, "sv")
    assert [(s.text, s.separator) for s in segments] == [
        ("Soita kl. 14.30 tänään.", " \n\n "),
        ("Tai huomenna.", "\t"),
    ]
    assert segments[0].leading == "  "
    assert reassemble(["A.", "B."], segments) == "  A. \n\n B.\t"
