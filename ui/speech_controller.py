"""Connects the speech controls and the two windows to the speech output.

The speech output (:mod:`interpreter.speech`) synthesises and plays on its own threads;
this object lives on the UI thread and only hands it events and commands, none of which
block. Anything that touches files or devices (which voice a language has, the output
device list, switching devices) runs on a short-lived thread and reports back through a
queued signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from interpreter.events import STAFF
from interpreter.speech.gate import PlaybackGate
from interpreter.speech.output import SpeechOutput
from interpreter.speech.player import AudioPlayer
from ui.conversation import Conversation, Utterance
from ui.languages import STAFF_LANGUAGE, client_of, language
from ui.settings import DeskSettings
from ui.speech_controls import SpeechControls

logger = logging.getLogger(__name__)


class SpeechController(QObject):
    """Owns the speech output, its player and the recogniser's playback gate."""

    # Reports from other threads (queued to the UI thread).
    _voicesFound = Signal(str, str, str, bool)  # pair, client text, staff text, available
    _devicesFound = Signal(list)
    _problem = Signal(str)
    _started = Signal(object)
    # For the window's owner and tests.
    speechStarted = Signal(object)  # SpeechStarted
    problemShown = Signal(str)
    voicesShown = Signal(str)  # the pair

    def __init__(
        self,
        controls: SpeechControls,
        settings: DeskSettings,
        conversation: Conversation,
        *,
        voices: Any = None,
        sounddevice: Any = None,
        show_message: Callable[[str], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.controls, self.settings, self.conversation = controls, settings, conversation
        self.show_message = show_message
        self.pair = settings.pair
        self.gate = PlaybackGate()
        if voices is None:
            from interpreter.speech.voices import VoiceLibrary

            voices = VoiceLibrary()
        self.voices = voices
        self.player = AudioPlayer(
            settings.speech_device or None,
            sounddevice=sounddevice,
            volume=settings.speech_volume / 100,
            gate=self.gate,
            on_error=self._problem.emit,
        )
        self.output = SpeechOutput(
            voices,
            self.player,
            settings.speech_listeners,
            on_started=self._started.emit,
            on_error=self._problem.emit,
        )
        self.gate.add_barge_in_listener(self.output.stop)
        self._voicesFound.connect(self._show_voices)
        self._devicesFound.connect(
            lambda names: controls.set_devices(names, self.settings.speech_device)
        )
        self._problem.connect(self._show_problem)
        self._started.connect(self.speechStarted)
        controls.set_listeners(list(settings.speech_listeners))
        controls.set_volume(settings.speech_volume)
        controls.set_devices([], settings.speech_device)
        controls.listenersChanged.connect(self.set_listeners)
        controls.volumeChanged.connect(self.set_volume)
        controls.outputDeviceChosen.connect(self.set_device)
        controls.devicesRequested.connect(self.list_devices)
        controls.replayRequested.connect(self.replay_latest)

    # -- from the desk ------------------------------------------------------------------
    def submit(self, event: object) -> None:
        """Every event of the current session; final translations are spoken."""
        self.output.submit(event)

    def set_pair(self, pair: str) -> None:
        """The client's language changed: find what speaks it (off the UI thread)."""
        self.pair = pair
        self.controls.show_problem(self.tr("Looking for voices…"))
        threading.Thread(target=self._find_voices, args=(pair,), daemon=True).start()

    def stop(self) -> None:
        """Someone starts talking (push to talk): stop speaking at once."""
        self.output.stop()

    def forget(self) -> None:
        """Next client: silence, and nothing of the previous conversation is said again."""
        self.output.forget()

    def shutdown(self) -> None:
        self.output.close()

    # -- from the controls --------------------------------------------------------------
    def set_listeners(self, sides: list) -> None:
        self.settings.speech_listeners = tuple(sides)
        self.output.set_listeners(sides)

    def set_volume(self, percent: int) -> None:
        self.settings.speech_volume = percent
        self.player.volume = self.settings.speech_volume / 100

    def set_device(self, name: str) -> None:
        self.settings.speech_device = name
        # Closing the open stream waits on the device: not on the UI thread.
        threading.Thread(target=self.player.set_device, args=(name or None,), daemon=True).start()

    def list_devices(self) -> None:
        def work() -> None:
            from interpreter.speech.player import output_devices

            try:
                names = [name for _, name, _ in output_devices()]
            except Exception as exc:  # no PortAudio: say so, keep the default entry
                self._problem.emit(str(exc))
                names = []
            self._devicesFound.emit(names)

        threading.Thread(target=work, daemon=True).start()

    def replay_latest(self) -> Utterance | None:
        """Staff: speak the latest translated utterance again, to whoever it was for."""
        return self._replay(lambda utt: True)

    def replay_utterance(self, utterance_id: int) -> Utterance | None:
        """Staff: speak one bubble's translation again (its context menu)."""
        return self._replay(lambda utt: utt.utterance_id == utterance_id)

    def replay_for_client(self) -> Utterance | None:
        """The client tapped their window: the staff's latest words again, in their
        language."""
        return self._replay(lambda utt: utt.side == STAFF)

    def _replay(self, wanted: Callable[[Utterance], bool]) -> Utterance | None:
        for utt in reversed(self.conversation.ordered()):
            speakable = (
                utt.translation_final
                and utt.translation.strip()
                and utt.translation_lang
                and "untranslated" not in utt.flags
            )
            if speakable and wanted(utt):
                self.output.stop()
                self.output.say(utt.translation, utt.translation_lang)
                return utt
        return None

    # -- reports --------------------------------------------------------------------------
    def _find_voices(self, pair: str) -> None:
        client = client_of(pair)
        try:
            client_status = self.voices.status(client)
            staff_status = self.voices.status(STAFF_LANGUAGE)
        except Exception as exc:  # a broken catalog must not kill the thread silently
            logger.warning("could not look up voices: %s", exc)
            self._problem.emit(str(exc))
            return
        self._voicesFound.emit(
            pair,
            self._describe(client, client_status),
            self._describe(STAFF_LANGUAGE, staff_status),
            client_status.available,
        )

    def _describe(self, lang: str, status) -> str:
        name = language(lang).native if lang != STAFF_LANGUAGE else "suomi"
        if not status.available:
            return self.tr("Speech output is unavailable for %1").replace("%1", name)
        engine = {"neural": self.tr("neural voice"), "festival": "Festival", "espeak": "espeak-ng"}
        return f"{name}: {engine[status.best]}"

    def _show_voices(self, pair: str, client: str, staff: str, available: bool) -> None:
        if pair != self.pair:
            return  # the language changed again meanwhile
        self.controls.set_voices(client, staff, available)
        self.voicesShown.emit(pair)

    def _show_problem(self, text: str) -> None:
        self.controls.show_problem(text)
        if self.show_message is not None:
            self.show_message(text)
        self.problemShown.emit(text)
