"""The servers die mid-conversation: every utterance is still committed and translated,
by this PC's models, and the desk says so."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from inference_servers import (
    argos_package,
    fault_proxy,
    start_faster_whisper_server,
    start_libretranslate,
)
from trained_marian import trained_model_copy

from interpreter.events import Event, TranslationEvent, UtteranceEnded
from interpreter.server.client import SERVER_UNAVAILABLE
from interpreter.server.config import ServerConfig
from interpreter.session import ListenSettings, build_listening_session

pytestmark = pytest.mark.slow

MODEL_NAME = "whisper-base"
TRANSCRIPTIONS = "/v1/audio/transcriptions"
#: The conversation takes a few dozen transcription requests; the kill comes early in it.
KILL_AFTER_REQUESTS = 8


def test_killing_the_servers_mid_conversation_loses_nothing(
    whisper_base_dir: Path, conversation_fi_en, tmp_path: Path
):
    fi_en = trained_model_copy("fi-en", tmp_path / "models")
    en_fi = trained_model_copy("en-fi", tmp_path / "models")
    packages = [
        argos_package(fi_en, "fi", "en", tmp_path / "fi_en.argosmodel"),
        argos_package(en_fi, "en", "fi", tmp_path / "en_fi.argosmodel"),
    ]
    speech_server = start_faster_whisper_server(whisper_base_dir, tmp_path, MODEL_NAME)
    text_server = start_libretranslate(packages, tmp_path, "fi,en")
    events: list[Event] = []
    statuses: list[str] = []

    def kill_mid_conversation(gateway) -> None:
        # After a few transcriptions: the first turns have been heard by the server.
        gateway.wait_for_requests(TRANSCRIPTIONS, KILL_AFTER_REQUESTS, 600)
        speech_server.stop()
        text_server.stop()

    routes = {"/v1/audio": speech_server.url, "": text_server.url}
    try:
        with fault_proxy(routes) as gateway:
            server = ServerConfig(
                url=gateway.url,
                enabled=True,
                asr_model=MODEL_NAME,
                mt="libretranslate",
                timeout_seconds=20.0,
            )
            settings = ListenSettings(
                pair="fi-en",
                replay=conversation_fi_en.path,
                speed=1.0,
                mt_models={("fi", "en"): fi_en, ("en", "fi"): en_fi},
                server=server,
                replay_pad_seconds=1.0,
            )
            killer = threading.Thread(target=kill_mid_conversation, args=(gateway,), daemon=True)
            killer.start()
            session = build_listening_session(
                settings,
                on_notice=lambda text: None,
                on_event=events.append,
                on_server_status=statuses.append,
            )
            session.start()
            session.wait_and_close(900)
            killer.join(60)
    finally:
        speech_server.stop()
        text_server.stop()

    ended = [e for e in events if isinstance(e, UtteranceEnded) and e.text]
    finals = {e.utterance_id: e for e in events if isinstance(e, TranslationEvent) and e.final}
    host = server.host
    summary = [(e.utterance_id, e.asr_backend, e.text[:30]) for e in ended]
    # Before the kill the server recognised and translated; after it, this PC did.
    assert ended[0].asr_backend == f"server {host}", summary
    assert ended[-1].asr_backend == "local", summary
    assert statuses[0].endswith(f"server {host}") and SERVER_UNAVAILABLE in statuses
    # Every spoken turn is an utterance with text, and every utterance is translated.
    for segment in conversation_fi_en.segments:
        assert any(e.audio_start <= segment.end and e.audio_end >= segment.start for e in ended), (
            f"nothing recognised for the turn at {segment.start:.1f}-{segment.end:.1f} s"
        )
    for utterance in ended:
        translation = finals.get(utterance.utterance_id)
        assert translation is not None, f"utterance {utterance.text!r} was not translated"
        assert translation.source_text == utterance.text
    backends = {finals[e.utterance_id].backend for e in ended}
    assert f"libretranslate@{host}" in backends
    assert any(not b.startswith("libretranslate") for b in backends)
