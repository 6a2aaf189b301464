"""The desk window's speech output: toggles, volume and device remembered, replay by
button, key and tap, barge-in, a language without a voice, and a speaker lost mid-word.

Speech is real (espeak-ng); the loudspeaker is a stand-in that records what it plays
(tests/test_speech_pulse.py plays through a real PulseAudio loop)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from speech_fakes import FakeSpeaker
from ui_helpers import desk_settings, make_desk, post_from_thread, spoken, translated

from interpreter.events import CLIENT, STAFF
from interpreter.speech.voices import VoiceLibrary
from models.catalog import ModelCatalog
from models.store import ModelStore

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


@pytest.fixture
def speaker() -> FakeSpeaker:
    return FakeSpeaker()


@pytest.fixture
def desk(qtbot, tmp_path: Path, speaker: FakeSpeaker):
    voices = VoiceLibrary(
        "espeak", store=ModelStore(tmp_path / "models"), catalog=ModelCatalog.load()
    )
    desk = make_desk(
        qtbot,
        tmp_path,
        base_options={"translate": False},
        speech_voices=voices,
        speech_sounddevice=speaker,
    )
    # No session is opened: events are posted the way the core posts them.
    return desk


def says(qtbot, desk, uid: int, side: str, text: str, translation: str) -> None:
    """An utterance and its final translation, posted as the core posts them; returns
    once the desk has taken them in."""
    lang, target = ("fi", "en") if side == STAFF else ("en", "fi")
    post_from_thread(
        desk, [*spoken(uid, side, lang, text), translated(uid, side, target, lang, translation)]
    )
    utterances = desk.controller.conversation.utterances
    qtbot.waitUntil(lambda: uid in utterances and utterances[uid].translation_final)


def staff_says(qtbot, desk, uid: int, finnish: str, english: str) -> None:
    says(qtbot, desk, uid, STAFF, finnish, english)


def test_toggles_volume_and_device_are_remembered(qtbot, desk, tmp_path: Path, speaker):
    controls = desk.staff.speech
    assert controls.listeners() == []  # off until the staff turns it on
    controls.client_box.setChecked(True)
    controls.volume.setValue(35)
    controls.set_devices([speaker.name], "")
    controls.device.activated.emit(1)
    again = desk_settings(tmp_path)
    assert again.speech_listeners == (CLIENT,)
    assert again.speech_volume == 35 and again.speech_device == speaker.name
    assert desk.controller.speech.player.volume == pytest.approx(0.35)
    controls.staff_box.setChecked(True)
    assert set(desk_settings(tmp_path).speech_listeners) == {CLIENT, STAFF}


def test_final_translation_is_spoken_only_to_a_listening_side(qtbot, desk, speaker):
    speech = desk.controller.speech
    staff_says(qtbot, desk, 1, "Hyvää päivää.", "Good afternoon.")
    assert speech.output.wait_idle(10.0) and speaker.loud_seconds() == 0.0  # all off
    desk.staff.speech.client_box.setChecked(True)
    with qtbot.waitSignal(speech.speechStarted, timeout=10000) as started:
        staff_says(qtbot, desk, 2, "Kiitos.", "Thank you.")
    assert started.args[0].job.text == "Thank you." and started.args[0].engine == "espeak-ng"
    assert speaker.wait_for_sound(0.3)
    # The client's words are not spoken back to the client.
    before = speech.output._next_key
    says(qtbot, desk, 3, CLIENT, "Thanks", "Kiitos")
    assert speech.output.wait_idle(10.0) and speech.output._next_key == before


def test_replay_by_button_key_and_a_tap_on_the_client_window(qtbot, desk, speaker):
    speech = desk.controller.speech
    staff_says(qtbot, desk, 1, "Allekirjoittakaa tähän.", "Please sign here.")
    says(qtbot, desk, 2, CLIENT, "Okay", "Selvä")
    with qtbot.waitSignal(speech.speechStarted, timeout=10000) as started:
        desk.staff.speech.replay_button.click()
    assert started.args[0].job.text == "Selvä"  # the latest bubble, in Finnish for the staff
    with qtbot.waitSignal(speech.speechStarted, timeout=10000) as started:
        qtbot.mouseClick(desk.client, Qt.MouseButton.LeftButton)
    assert started.args[0].job.text == "Please sign here."  # the staff's words, for the client
    desk.client.show()
    qtbot.waitExposed(desk.client)
    label = desk.client.view.bubbles()[0].labels()[0]  # a tap on a bubble's text works too
    # Through the window, as a tap arrives: Qt finds the widget under the finger.
    where = label.mapTo(desk.client, label.rect().center())
    with qtbot.waitSignal(speech.speechStarted, timeout=10000) as started:
        QTest.mouseClick(
            desk.client.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), where
        )
    assert started.args[0].job.text == "Please sign here."
    desk.staff.show()
    desk.staff.activateWindow()
    qtbot.waitUntil(desk.staff.isActiveWindow)
    with qtbot.waitSignal(speech.speechStarted, timeout=10000) as started:
        qtbot.keyClick(desk.staff.typed, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert started.args[0].job.text == "Selvä"


def test_any_staff_bubble_can_be_spoken_again_from_its_menu(qtbot, desk, speaker):
    speech = desk.controller.speech
    staff_says(qtbot, desk, 1, "Allekirjoittakaa tähän.", "Please sign here.")
    says(qtbot, desk, 2, CLIENT, "Okay", "Selvä")
    staff_says(qtbot, desk, 3, "Kiitos.", "Thank you.")
    view = desk.staff.conversation
    first = next(b for b in view.bubbles() if b.utterance_id == 1)
    assert first.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    (action,) = view.bubble_menu(first).actions()
    with qtbot.waitSignal(speech.speechStarted, timeout=10000) as started:
        action.trigger()
    assert started.args[0].job.text == "Please sign here."  # not the latest bubble
    client_bubble = next(b for b in view.bubbles() if b.utterance_id == 2)
    (action,) = view.bubble_menu(client_bubble).actions()
    with qtbot.waitSignal(speech.speechStarted, timeout=10000) as started:
        action.trigger()
    assert started.args[0].job.text == "Selvä"  # the client's words, in Finnish for the staff
    # The client window's bubbles have no such menu: a tap there is the client's replay.
    assert all(
        b.contextMenuPolicy() != Qt.ContextMenuPolicy.CustomContextMenu
        for b in desk.client.view.bubbles()
    )


def test_barge_in_and_push_to_talk_stop_the_speech(qtbot, desk, speaker):
    speech = desk.controller.speech
    desk.staff.speech.client_box.setChecked(True)
    long_text = " ".join(["Your application has been received and it will be processed soon."] * 5)
    with qtbot.waitSignal(speech.speechStarted, timeout=10000):
        staff_says(qtbot, desk, 1, "Hakemus on vastaanotettu.", long_text)
    assert speaker.wait_for_sound(0.2)
    speech.gate.barge_in()  # the microphone heard someone talk over the app
    assert not speech.player.busy
    speech.output.say(long_text, "en")
    assert speaker.wait_for_sound(0.6)
    desk.staff.pushToTalk.emit(CLIENT, True)  # F2: the client is about to speak
    assert not speech.player.busy


def test_a_language_without_a_voice_says_speech_is_unavailable(qtbot, desk):
    speech = desk.controller.speech
    with qtbot.waitSignal(speech.voicesShown, timeout=10000):
        desk.controller.set_client_language("so")
    controls = desk.staff.speech
    assert "unavailable" in controls.state.text() and not controls.client_box.isEnabled()
    with qtbot.waitSignal(speech.voicesShown, timeout=10000):
        desk.controller.set_client_language("ar")
    assert controls.client_box.isEnabled() and "espeak-ng" in controls.state.text()


def test_a_speaker_lost_during_playback_is_reported_and_the_next_speech_reopens_it(
    qtbot, desk, speaker
):
    speech = desk.controller.speech
    desk.staff.speech.client_box.setChecked(True)
    long_text = " ".join(["Please wait until your number is called."] * 4)
    with qtbot.waitSignal(speech.speechStarted, timeout=10000):
        staff_says(qtbot, desk, 1, "Odottakaa.", long_text)
    with qtbot.waitSignal(speech.problemShown, timeout=10000) as problem:
        speaker.streams[-1].lose()
    assert "stopped (unplugged or failed)" in problem.args[0]
    assert "stopped" in desk.staff.speech.state.text()
    assert not speech.player.busy
    with qtbot.waitSignal(speech.speechStarted, timeout=10000):
        speech.replay_latest()
    assert len(speaker.streams) == 2
