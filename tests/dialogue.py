"""A long desk dialogue with known turns: harder test speech than ``speech.FINNISH_SENTENCES``.

Five visits follow one another at a Finnish-speaking desk. The staff member speaks
Finnish with a Festival voice (``lj`` and ``mv`` take turns by visit); the clients speak
English with several espeak-ng voices and accents, in other languages' espeak-ng voices
(English read with French, German, Spanish or Russian sounds), in the five LibriVox
recordings of real read speech, and two of them answer in Finnish for a few turns.

The script mixes short openers ("Hei.", "Yes.", "Okay, thank you."), Finnish names and
places inside English sentences, English loanwords inside Finnish ones, numbers, long
turns of 8-14 s, and gaps between turns from 0.3 s (a quick answer) to 2 s, drawn from a
seeded generator. Every turn's speech start and end in the mixed file is known exactly
(see :func:`speech.build_conversation`); the clips are synthesised once and cached.

Voices are named ``festival-lj``, ``festival-mv``, ``espeak-<espeak-ng voice>`` and
``librivox``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import speech

STAFF = "staff"
CLIENT = "client"
LIBRIVOX = "librivox"
#: Gaps between turns: a quick answer, or a pause to think or read.
QUICK_GAP_SECONDS = (0.3, 0.6)
SLOW_GAP_SECONDS = (0.8, 2.0)
QUICK_GAP_SHARE = 0.4
DEFAULT_SEED = 2026
#: Short openers that are whole turns in the script; most also start longer sentences.
OPENERS = ("Hei.", "Hello.", "Yes.", "Okay, thank you.", "Kyllä.", "Joo, kiitos.", "Kiitos.")


@dataclass(frozen=True)
class Line:
    """One turn of the script: who says what, in which language, with which voice.

    ``text`` is the reference transcript and what the synthesiser reads; for a LibriVox
    turn it is the recording's index and its text comes from the transcription.
    """

    side: str
    lang: str
    voice: str
    text: str


@dataclass(frozen=True)
class Turn(speech.Segment):
    """A turn in the mixed file: :class:`speech.Segment` with its speaker and voice."""

    side: str
    voice: str
    index: int


@dataclass(frozen=True)
class Dialogue(speech.Conversation):
    """A :class:`speech.Conversation` whose segments are :class:`Turn` objects."""

    seed: int = DEFAULT_SEED

    @property
    def turns(self) -> tuple[Turn, ...]:
        return self.segments  # type: ignore[return-value]


def _staff(voice: str, *texts: str) -> list[Line]:
    return [Line(STAFF, "fi", f"festival-{voice}", text) for text in texts]


def _alternate(
    staff_voice: str, client_voice: str, *texts: str, client_first: bool = False
) -> list[Line]:
    """Staff and client take turns, staff first unless ``client_first``; a client text
    ``"fi:..."`` is in Finnish (Festival, the voice the staff member does not use),
    ``"librivox:N"`` is the N-th LibriVox recording."""
    lines = []
    for position, text in enumerate(texts):
        if (position + client_first) % 2 == 0:
            lines += _staff(staff_voice, text)
        elif text.startswith("fi:"):
            other = "mv" if staff_voice == "lj" else "lj"
            lines.append(Line(CLIENT, "fi", f"festival-{other}", text[3:].strip()))
        elif text.startswith("librivox:"):
            lines.append(Line(CLIENT, "en", LIBRIVOX, text.split(":")[1]))
        else:
            lines.append(Line(CLIENT, "en", f"espeak-{client_voice}", text))
    return lines


# Written for this dialogue; none of it repeats speech.FINNISH_SENTENCES or
# ENGLISH_SENTENCES. Festival reads Latin-1 only: no dashes, curly quotes or euro signs.
SCRIPT: tuple[Line, ...] = (
    # 1. A move from Espoo to Vantaa, reported to Kela.
    *_alternate(
        "lj",
        "en-gb",
        "Hei.",
        "Hello.",
        "Hyvää huomenta, miten voin auttaa?",
        "Yes. I moved from Espoo to Vantaa last month, and I need to tell Kela my new address.",
        "Selvä. Sen voi tehdä Kelan verkkopalvelussa, mutta autan teitä mielelläni täällä.",
        "Okay, thank you.",
        "Onko teillä pankkitunnukset tai mobiilivarmenne?",
        "No. My bank still sends the codes by post.",
        "Ei se haittaa. Täytetään paperilomake yhdessä, minä skannaan sen ja lähetän sen "
        "Kelalle sähköpostilla. Päätös tulee yleensä kolmessa viikossa, ja saatte siitä "
        "kirjeen uuteen osoitteeseen Vantaalle.",
        "Three weeks is fine. Do I also have to visit the Kela office in Itäkeskus?",
        "Ei tarvitse, kaikki hoituu täältä.",
        "librivox:0",
        "Kiitos, hyvää päivänjatkoa.",
    ),
    # 2. An appointment with Virtanen at the TE-toimisto; the client tries Finnish.
    *_alternate(
        "mv",
        "fr",
        "Seuraava asiakas, olkaa hyvä.",
        "Good afternoon. I have an appointment with Mrs Virtanen at half past two.",
        "Virtanen on tänään etänä, mutta hän voi jutella kanssanne chatissa tai puhelimessa.",
        "Okay. Can I speak a little Finnish? I am learning it.",
        "Kyllä.",
        "fi: Kiitos. Minä olen työtön ja tarvitsen apua.",
        "Oletteko jo ilmoittautunut TE-toimistoon työnhakijaksi?",
        "fi: Joo, viime viikolla netissä.",
        "Hyvä. Sitten täytetään vielä online-lomake ja liitetään siihen ansioluettelo.",
        "Sorry, that was too fast for me. In English, please.",
        "Ei hätää. Lomake täytetään verkossa, ja ansioluettelo liitetään mukaan. Jos "
        "printteri ei toimi kotona, voitte tulostaa sen kirjastossa Hakaniemessä tai täällä "
        "aulassa. Okei?",
        "Yes, okay. Where is the library in Hakaniemi?",
        "Hakaniemen torin vieressä, noin viiden minuutin kävelymatkan päässä.",
        "librivox:4",
        "Ole hyvä.",
    ),
    # 3. A day care place near Itäkeskus.
    *_alternate(
        "lj",
        "en-gb-scotland",
        "Päivää. Kuinka voin auttaa?",
        "Hi. My daughter needs a place in a day care centre near Itäkeskus from August.",
        "Kuinka vanha tyttärenne on?",
        "She is three.",
        "Päiväkotihakemus jätetään neljä kuukautta ennen hoidon alkua, eli huhtikuun "
        "loppuun mennessä.",
        "That is what I thought. The problem is that I do not know yet where I will be "
        "working in the autumn, so can we change the day care centre later, for example to "
        "one in Kontula or in Myllypuro?",
        "Kyllä voi. Paikkaa haetaan uudelleen, jos tilanne muuttuu.",
        "librivox:1",
        "Anteeksi, en kuullut. Sanoisitteko uudelleen?",
        "Sorry. I said, okay, I will fill in the form online tonight.",
        "Hyvä. Tässä on vielä esite, jossa on palveluohjauksen puhelinnumero.",
        "Yes.",
    ),
    # 4. A tax card, and a friend who asks about housing allowance.
    *_alternate(
        "mv",
        "de",
        "Hei, tervetuloa.",
        "Hello. I got a letter from the tax office, and I do not understand it.",
        "Näyttäkää, niin katsotaan. Tämä on verokortti ensi vuodelle.",
        "Okay. Is it a problem?",
        "Ei ole. Verokortti kertoo, kuinka paljon palkastanne pidätetään veroa. Jos tulonne "
        "muuttuvat, voitte tehdä uuden verokortin OmaVerossa tai käydä Verohallinnon "
        "toimistossa Pasilassa.",
        "librivox:2",
        "Okei. Kysyykö ystävänne vielä jotain?",
    ),
    *_alternate(
        "mv",
        "es",
        "Yes. My rent is 850 euros a month. Can I get housing allowance from Kela?",
        "Se riippuu tuloistanne. Hakemus kannattaa tehdä, ja käsittely kestää noin 30 päivää.",
        "Okay, thank you.",
        "Kiitos.",
        client_first=True,
    ),
    # 5. A lost residence permit card; the client answers in Finnish, then a friend asks.
    *_alternate(
        "lj",
        "ru",
        "Seuraava, olkaa hyvä.",
        "Good morning. I lost my residence permit card. What should I do?",
        "Kadonneesta kortista tehdään ensin ilmoitus poliisille, ja uusi kortti haetaan Migristä.",
        "Yes.",
        "Ilmoituksen voi tehdä netissä. Puhutteko suomea?",
        "fi: Kyllä, vähän. Ymmärrän hitaasti.",
        "Haluatteko ohjeet suomeksi paperilla?",
        "fi: Joo, kiitos.",
        "Selvä, tulostan ne, kun printteri herää. Kuuluuko ystävänne asiaan?",
    ),
    *_alternate(
        "lj",
        "en-029",
        "Yes. My friend lives in Kerava and works evenings at a restaurant in Kamppi. He wants "
        "a Finnish course, but he can only come on Monday or Wednesday mornings.",
        "Aamukursseja on Työväenopistossa. Ilmoittautuminen alkaa elokuussa kello 9 netissä.",
        "librivox:3",
        "Onko vielä muuta?",
        client_first=True,
    ),
    *_alternate(
        "lj",
        "en-us+f3",
        "No, that is all. Okay, thank you for your help.",
        "Kiitos itsellenne. Hei hei.",
        client_first=True,
    ),
)


def _turn_audio(line: Line) -> tuple[Path, str]:
    """The cached clip of one line and its reference text."""
    kind, _, name = line.voice.partition("-")
    if line.voice == LIBRIVOX:
        return speech.librivox_clips()[int(line.text)]
    if kind == "festival":
        return speech.synthesize_finnish(line.text, name), line.text  # type: ignore[arg-type]
    if kind == "espeak":
        return speech.synthesize_english(line.text, voice=name), line.text
    raise ValueError(f"unknown voice {line.voice!r}")


def script(turns: int | None = None) -> tuple[Line, ...]:
    """The first ``turns`` lines of :data:`SCRIPT` (all when None)."""
    if turns is not None and not 1 <= turns <= len(SCRIPT):
        raise ValueError(f"turns must be 1..{len(SCRIPT)}, got {turns}")
    return SCRIPT[:turns]


def gaps(count: int, seed: int = DEFAULT_SEED) -> list[float]:
    """``count`` seeded gaps in seconds: a share of quick answers, the rest slower."""
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(count):
        low, high = QUICK_GAP_SECONDS if rng.random() < QUICK_GAP_SHARE else SLOW_GAP_SECONDS
        values.append(round(float(rng.uniform(low, high)), 2))
    return values


def needs() -> tuple[str, ...]:
    """Requirements for :func:`speech.missing_requirements`."""
    return ("finnish", "english", "librivox")


def build_dialogue(
    turns: int | None = None,
    seed: int = DEFAULT_SEED,
    *,
    out_path: Path | None = None,
    lead_seconds: float = 1.0,
    tail_seconds: float = 2.0,
) -> Dialogue:
    """Mix the first ``turns`` lines (all when None) into one 16 kHz WAV with seeded gaps.

    The file goes to ``out_path``, or into the speech cache under a name keyed by the
    script, the seed and the timing. Same arguments, same file and turns.
    """
    lines = script(turns)
    between = gaps(len(lines) - 1, seed)
    if out_path is None:
        key = speech._cache_key("dialogue", lines, between, lead_seconds, tail_seconds)
        out_path = speech.cache_dir() / f"dialogue-{len(lines)}-{key}.wav"
    clips = []
    for line in lines:
        path, text = _turn_audio(line)
        clips.append((path, text, line.lang))
    mixed = speech.build_conversation(
        clips, between, lead_seconds, tail_seconds, out_path=Path(out_path)
    )
    turned = tuple(
        Turn(s.start, s.end, s.text, s.lang, s.source, line.side, line.voice, index)
        for index, (s, line) in enumerate(zip(mixed.segments, lines, strict=True))
    )
    return Dialogue(mixed.path, turned, mixed.duration, mixed.sample_rate, seed)


def turn_clips(
    turns: int | None = None,
    out_dir: Path | None = None,
    *,
    lead_seconds: float = 0.5,
    tail_seconds: float = 1.5,
) -> list[Dialogue]:
    """Every turn alone, as a one-turn :class:`Dialogue` with silence before and after.

    For "clips alone" measurements: the same audio as in the mixed file, but no
    neighbour to merge with. Files go to ``out_dir`` or into the speech cache.
    """
    alone = []
    for index, line in enumerate(script(turns)):
        path, text = _turn_audio(line)
        if out_dir is None:
            key = speech._cache_key("turn", line, lead_seconds, tail_seconds)
            out_path = speech.cache_dir() / f"turn-{key}.wav"
        else:
            out_path = Path(out_dir) / f"turn-{index:02d}.wav"
        one = speech.build_conversation(
            [(path, text, line.lang)],
            lead_seconds=lead_seconds,
            tail_seconds=tail_seconds,
            out_path=out_path,
        )
        (s,) = one.segments
        turn = Turn(s.start, s.end, s.text, s.lang, s.source, line.side, line.voice, index)
        alone.append(Dialogue(one.path, (turn,), one.duration, one.sample_rate))
    return alone
