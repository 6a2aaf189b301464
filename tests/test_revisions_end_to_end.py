"""A revised utterance end to end: `listen --jsonl`, translation, both desk windows, export.

Two staff answers after English open with a Finnish word that Whisper base reads as
English even once its detector's lean is taken off ("No niin." as "No need.",
"Ymmärrän." as an English phrase). By default such an opening waits for the words after
it; here it is committed at its pause (``--hold-openings 0``), so the Finnish that
follows 0.45 s later proves it wrong, and the whole utterance is recognised again in
Finnish. Replayed as fast as possible the file reaches the core at once, so the same
revisions happen on every run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import speech
from cli_helpers import listen_events
from trained_marian import trained_marian_en_fi, trained_marian_fi_en  # noqa: F401
from ui_helpers import clipped_texts, make_desk

from interpreter.streaming import StreamingOptions

pytestmark = pytest.mark.slow

#: (text, voice, language), and the gap after each: English questions, Finnish answers.
EXCHANGES = (
    ("Can I pay the bill online?", "en-gb", "en", 1.2),
    ("No niin.", "lj", "fi", 0.45),
    ("Lasku maksetaan verkkopankissa eräpäivään mennessä.", "lj", "fi", 1.2),
    ("Do I need to bring my passport?", "de", "en", 1.2),
    ("Ymmärrän.", "mv", "fi", 0.45),
    ("Passi tai henkilökortti riittää, ja lisäksi tarvitaan hakemus.", "mv", "fi", 0.0),
)


@pytest.fixture(scope="module")
def opener_dialogue(
    tmp_path_factory: pytest.TempPathFactory, require_speech: Callable[..., None]
) -> Path:
    require_speech("finnish", "english")
    folder = tmp_path_factory.mktemp("revision")
    clips = []
    for index, (text, voice, lang, _gap) in enumerate(EXCHANGES):
        path = speech.synthesize(text, lang, voice, folder / f"{index}.wav")
        clips.append((path, text, lang))
    gaps = [gap for *_, gap in EXCHANGES[:-1]]
    return speech.build_conversation(clips, gaps, out_path=folder / "answers.wav").path


def _mt_args(fi_en: Path, en_fi: Path) -> list[str]:
    return ["--mt-model", f"fi-en={fi_en}", "--mt-model", f"en-fi={en_fi}"]


def test_revised_events_in_the_jsonl_stream(
    opener_dialogue,
    trained_marian_fi_en,  # noqa: F811
    trained_marian_en_fi,  # noqa: F811
):
    _result, events = listen_events(
        "--replay",
        str(opener_dialogue),
        "--pair",
        "fi-en",
        "--hold-openings",
        "0",
        *_mt_args(trained_marian_fi_en, trained_marian_en_fi),
    )
    revised = [e for e in events if e["type"] == "revised"]
    assert revised, "no utterance was revised"
    for event in revised:
        assert {"previous_lang", "previous_text", "reason", "side", "lang"} <= event.keys()
        assert event["reason"] == "language"
        assert event["previous_lang"] != event["lang"] and event["previous_text"]
        uid = event["utterance_id"]
        later = events[events.index(event) + 1 :]
        # Consumers that only know the old events are right at the end.
        (ended,) = [e for e in later if e["type"] == "utterance_ended" and e["utterance_id"] == uid]
        assert (ended["lang"], ended["side"]) == (event["lang"], event["side"])
        assert ended["text"].startswith(event["text"])
        assert event["previous_text"] not in ended["text"]
        # The final translation translates the revised text, in its new direction.
        finals = [
            e
            for e in later
            if e["type"] == "translation" and e["utterance_id"] == uid and e["final"]
        ]
        assert finals and finals[-1]["source_text"] == ended["text"]
        assert finals[-1]["source_lang"] == event["lang"]
        # No translation after the revision still translates the first reading.
        for translation in (e for e in later if e["type"] == "translation"):
            if translation["utterance_id"] == uid:
                assert translation["source_lang"] == event["lang"]


def test_revisions_in_both_windows_and_the_export(
    qtbot,
    tmp_path,
    opener_dialogue,
    whisper_base_dir,
    trained_marian_fi_en,  # noqa: F811
    trained_marian_en_fi,  # noqa: F811
):
    options = {
        "asr_model": str(whisper_base_dir),
        "mt_models": {("fi", "en"): trained_marian_fi_en, ("en", "fi"): trained_marian_en_fi},
        "threads": 2,
        "compute_device": "cpu",
        "replay": opener_dialogue,
        "speed": 0.0,
        "streaming": StreamingOptions(overlap_decodes=True, weak_opening_seconds=0.0),
    }
    desk = make_desk(qtbot, tmp_path, base_options=options)
    desk.show()
    with qtbot.waitSignal(desk.controller.sessionOpened, timeout=120_000):
        desk.controller.start()

    def finished() -> bool:
        session = desk.controller.session
        utts = desk.controller.conversation.ordered()
        return bool(
            session is not None
            and session.pipeline.finished
            and utts
            and all(u.ended and u.translation_final for u in utts)
        )

    qtbot.waitUntil(finished, timeout=300_000)
    utts = desk.controller.conversation.ordered()
    revisions = [u for u in utts if u.revised and u.previous_lang != u.lang]
    assert revisions, [(u.lang, u.committed) for u in utts]
    staff_bubbles = desk.staff.conversation.bubbles()
    client_bubbles = desk.client.view.bubbles()
    for utt in revisions:
        index = utts.index(utt)
        assert utt.side == "staff" and utt.lang == "fi" and utt.translation_lang == "en"
        assert staff_bubbles[index].side == client_bubbles[index].side == "staff"
        assert staff_bubbles[index].primary.text() == utt.committed
        assert client_bubbles[index].primary.text() == utt.translation
    for view in (desk.staff.conversation, desk.client.view):
        assert not clipped_texts(view)

    desk.controller.set_export_enabled(True)
    with qtbot.waitSignal(desk.controller.exportFinished, timeout=10_000) as done:
        desk.controller.export_transcript(str(tmp_path / "export"))
    paths, error = done.args
    assert error == ""
    exported = {Path(p).suffix: Path(p).read_text(encoding="utf-8") for p in paths}
    data = json.loads(exported[".json"])
    assert [u["text"] for u in data["utterances"]] == [u.committed for u in utts]
    for utt in revisions:
        assert utt.previous_text and utt.previous_lang == "en"
        for suffix, text in exported.items():
            assert utt.committed in text.replace("\n", " "), suffix
            assert utt.previous_text not in text, suffix
    desk.controller.shutdown()
