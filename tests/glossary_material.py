"""Glossary test material: a small city glossary and Finnish inflections of its terms.

Shared by the glossary tests and ``benchmarks/text_libs.py``, which counts the matches the
Finnish word matching finds in it.
"""

from __future__ import annotations

GLOSSARY_TSV = (
    "# Kaupungin palvelusanasto\n"
    "fi\ten\tsv\tru\tnote\n"
    "Kela\t=\t=\tКела\tSocial Insurance Institution\n"
    "asumistuki\thousing allowance\tbostadsbidrag\t\t\n"
    "TE-toimisto\tTE Office\t=\t\t\n"
    "Omnia\t=\t\t\tvocational college\n"
    "toimeentulotuki\tsocial assistance\tutkomststöd\t\t\n"
    "Helsingin kaupunki\tCity of Helsinki\tHelsingfors stad\t\t\n"
    "\n"
    "liite\tattachment\t\t\t\n"
    "henkilötunnus\tpersonal identity code\t\t\t\n"
    "työttömyysetuus\tunemployment benefit\t\t\t\n"
    "varhaiskasvatus\tearly childhood education\t\t\t\n"
    "oleskelulupa\tresidence permit\t\t\t\n"
    "terveysasema\thealth centre\t\t\t\n"
    "työnhakija\tjobseeker\t\t\t\n"
    "työttömyyskassa\tunemployment fund\t\t\t\n"
    "palvelupiste\tservice point\t\t\t\n"
)

#: (surface form, the glossary term it inflects), each matched in ``carrier(surface)``.
INFLECTED: tuple[tuple[str, str], ...] = (
    ("Kelasta", "Kela"),
    ("Kelan", "Kela"),
    ("Kelaan", "Kela"),
    ("Kela", "Kela"),
    ("kelalle", "Kela"),
    ("asumistuen", "asumistuki"),
    ("asumistukea", "asumistuki"),
    ("asumistuesta", "asumistuki"),
    ("asumistukia", "asumistuki"),
    ("TE-toimistoon", "TE-toimisto"),
    ("TE-toimistossa", "TE-toimisto"),
    ("te-toimistoista", "TE-toimisto"),
    ("Omniassa", "Omnia"),
    ("toimeentulotukea", "toimeentulotuki"),
    ("Helsingin kaupungissa", "Helsingin kaupunki"),
    ("liitteen", "liite"),
    # possessive suffixes, and the -us/-uus word types
    ("henkilötunnuksenne", "henkilötunnus"),
    ("henkilötunnusta", "henkilötunnus"),
    ("henkilötunnuksia", "henkilötunnus"),
    ("asumistukenne", "asumistuki"),
    ("asumistukeani", "asumistuki"),
    ("oleskelulupani", "oleskelulupa"),
    ("oleskelulupanne", "oleskelulupa"),
    ("työttömyysetuutta", "työttömyysetuus"),
    ("työttömyysetuuden", "työttömyysetuus"),
    ("varhaiskasvatuksen", "varhaiskasvatus"),
    ("terveysasemanne", "terveysasema"),
    ("Kelastakin", "Kela"),
)

#: Inflections whose stem changes in the plural (-oi-, -ei-), which the suffix heuristic
#: does not know and libvoikko does.
IRREGULAR: tuple[tuple[str, str], ...] = (
    ("työnhakijoille", "työnhakija"),
    ("työnhakijoita", "työnhakija"),
    ("työttömyyskassoista", "työttömyyskassa"),
    ("palvelupisteisiin", "palvelupiste"),
)

#: Words that look like inflections of the terms but are other words.
NOT_TERMS = "kelo kelmu tukka tuuli toimi liitto helsinkiläinen"

#: Other words that the suffix heuristic takes for "Kela" and libvoikko does not: keli
#: (road conditions: kelillä, kelin) and the verb kelata (to reel).
LOOKALIKES = "Liukkaalla kelillä kelin vuoksi kelata"


def carrier(surface: str) -> str:
    """A short sentence around ``surface``."""
    return f"Asia: {surface}, kiitos."
