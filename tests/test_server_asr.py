"""Recognition through a real faster-whisper-server (PyPI, its own environment) serving the
same Whisper base folder as the local engine, and what happens when it fails."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import jiwer
import numpy as np
import pytest
from asr_helpers import stream_file
from inference_servers import RunningServer, fault_proxy, start_faster_whisper_server

from interpreter.audio.base import SAMPLE_RATE
from interpreter.audio.replay import decode_file
from interpreter.server.asr import TRANSCRIPTIONS, after_prefix, hypothesis_from_answer
from interpreter.server.client import SERVER_UNAVAILABLE, BackoffPolicy, ServerError
from interpreter.server.config import ServerConfig
from interpreter.server.remote import ServerConnection
from interpreter.textnorm import normalise_for_wer

MODEL_NAME = "whisper-base"
#: Local and remote decode the same model differently (the server transcribes whole
#: padded windows with timestamps; the local engine forces committed words as a prefix),
#: so words differ here and there. Either reading, and the difference between them,
#: stays under this word error rate on the three clips (Whisper base reads the Festival
#: Finnish at the edge of its ability: about 0.1 either way).
READABLE_WER = 0.2


@pytest.fixture(scope="module")
def whisper_server(whisper_base_dir: Path, tmp_path_factory) -> RunningServer:
    server = start_faster_whisper_server(
        whisper_base_dir, tmp_path_factory.mktemp("fws"), MODEL_NAME
    )
    yield server
    server.stop()


def connect(
    url: str, timeout: float = 120.0, on_status=None, backoff=None, **kwargs
) -> ServerConnection:
    config = ServerConfig(
        url=url, enabled=True, asr_model=MODEL_NAME, timeout_seconds=timeout, **kwargs
    )
    return ServerConnection(config, on_status, key="", backoff=backoff)


def _wer(references: list[str], hypotheses: list[str]) -> float:
    return jiwer.wer(
        [normalise_for_wer(r) for r in references], [normalise_for_wer(h) for h in hypotheses]
    )


def test_streaming_through_the_server_reads_like_local_whisper(
    whisper_server, whisper_engine, finnish_clips, english_clips
):
    """Festival Finnish and LibriVox English, streamed through the same policy with the
    model local and remote: the remote text is as good as the local one."""
    clips = [(*finnish_clips[0], "staff"), (*finnish_clips[2], "staff")]
    clips += [(*english_clips[0], "client")]
    connection = connect(whisper_server.url)
    engine = connection.asr_engine(whisper_engine)
    references, local_texts, remote_texts = [], [], []
    try:
        for path, reference, mode in clips:
            local = stream_file(whisper_engine, path, mode=mode)
            remote = stream_file(engine, path, mode=mode)
            references.append(reference)
            local_texts.append(local.text)
            remote_texts.append(remote.text)
            assert [e.asr_backend for e in remote.ended if e.text] == [
                f"server 127.0.0.1:{whisper_server.url.rsplit(':', 1)[1]}"
            ]
    finally:
        connection.close()
    local_wer = _wer(references, local_texts)
    remote_wer = _wer(references, remote_texts)
    between = _wer(local_texts, remote_texts)
    print(f"WER local {local_wer:.3f}, remote {remote_wer:.3f}, local vs remote {between:.3f}")
    assert connection.health.fallbacks == 0
    # Not the same text (docs/server.md: the API has no forced prefix and the server
    # pads to 30 s, so an early reading of a few words differs), but as readable: each
    # side has been the better one on some machine (0.08 / 0.16 and 0.16 / 0.08).
    assert max(local_wer, remote_wer) <= READABLE_WER, (local_texts, remote_texts)
    assert between <= READABLE_WER, (local_texts, remote_texts)


def test_a_language_check_answers_the_decode_that_follows(
    whisper_server, whisper_engine, english_clips
):
    """The language request carries the prompt of the latest decode, so the decode after it
    in the detected language needs no request of its own, and reads the same."""
    audio = decode_file(english_clips[0][0])
    context = "Sense and Sensibility."
    with fault_proxy(whisper_server.url) as proxy:
        connection = connect(proxy.url)
        engine = connection.asr_engine(whisper_engine)
        try:
            engine.decode(engine.encode(audio[: len(audio) // 2]), "en", context=context)
            encoded = engine.encode(audio)
            assert engine.language_scores(encoded) == {"en": 1.0}
            combined = engine.decode(encoded, "en", context=context)
            assert proxy.requests[TRANSCRIPTIONS] == 2
            alone = engine.decode(engine.encode(audio), "en", context=context)
            assert proxy.requests[TRANSCRIPTIONS] == 3
            assert combined.words == alone.words and combined.words
        finally:
            connection.close()


def test_prefix_is_matched_letter_by_letter():
    assert after_prefix("Lapseni tarvitsee paikan.".split(), "Lapsen it".split()) == [
        "tarvitsee",
        "paikan.",
    ]
    assert after_prefix("Seuraava. Kolkaa hyvää.".split(), ["Se", "urrava."]) == [
        "Kolkaa",
        "hyvää.",
    ]
    assert after_prefix(["Hello", "there."], []) == ["Hello", "there."]
    # A reading that joins the last committed words with what came after keeps the
    # joined word: letters said twice rather than words lost.
    heard = "Onko teillä henkilöllisyystodistustai passi mukana?".split()
    assert after_prefix(heard, "Kankotte ilmää henkilön oli".split()) == heard[2:]


def test_no_speech_answer_gives_no_words(whisper_engine):
    answer = {"text": " Thank you.", "segments": [{"avg_logprob": -1.5, "no_speech_prob": 0.9}]}
    hypothesis = hypothesis_from_answer(answer, "", whisper_engine)
    assert hypothesis.no_speech and hypothesis.words == []


def _clip(finnish_clips) -> np.ndarray:
    audio = decode_file(finnish_clips[3][0])
    pad = np.zeros(SAMPLE_RATE // 2, np.float32)
    return np.concatenate([pad, audio, pad])


FAULTS = {
    "401": ("status", 401),
    "429": ("status", 429, {"Retry-After": "30"}),
    "500": ("status", 500),
    "garbage": ("garbage",),
    "stalled": ("stall", 30.0),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failing_server_leaves_the_decode_to_this_pc(
    fault, whisper_server, whisper_engine, finnish_clips
):
    audio = _clip(finnish_clips)
    expected = whisper_engine.decode(whisper_engine.encode(audio), "fi", final=True).words
    changes: list[str] = []
    with fault_proxy(whisper_server.url) as proxy:
        proxy.fault = FAULTS[fault]
        # No background retry during the test: every request counted is the desk's.
        quiet = BackoffPolicy(first=600.0, longest=600.0)
        connection = connect(proxy.url, timeout=2.0, on_status=changes.append, backoff=quiet)
        engine = connection.asr_engine(whisper_engine)
        try:
            hypothesis = engine.decode(engine.encode(audio), "fi", final=True)
            assert hypothesis.words == expected
            assert engine.backend_name == "local"
            assert not connection.health.available
            assert changes == [SERVER_UNAVAILABLE]
            # While it is down, requests go straight to this PC.
            requests = dict(proxy.requests)
            engine.decode(engine.encode(audio), "fi", final=True)
            assert proxy.requests.get("/v1/audio/transcriptions") == requests.get(
                "/v1/audio/transcriptions"
            )
            assert connection.health.fallbacks == 2
        finally:
            proxy.release()
            connection.close()


def test_errors_say_what_the_server_answered(whisper_server):
    with fault_proxy(whisper_server.url) as proxy:
        connection = connect(proxy.url, timeout=1.0)
        try:
            for fault, words in (
                (("status", 401), "refused the API key"),
                (("status", 429, {"Retry-After": "30"}), "429"),
                (("status", 503), "503"),
                (("garbage",), "not JSON"),
                (("stall", 5.0), "did not answer"),
            ):
                proxy.fault = fault
                with pytest.raises(ServerError, match=words) as caught:
                    connection.client.get_json("/health")
                assert "127.0.0.1" in str(caught.value)
                if fault[1:2] == (429,):
                    assert caught.value.retry_after == 30.0
                proxy.release()
        finally:
            connection.close()


def test_backoff_doubles_and_honours_retry_after():
    policy = BackoffPolicy(first=1.0, longest=60.0)
    assert [policy.delay(n) for n in (1, 2, 3, 8)] == [1.0, 2.0, 4.0, 60.0]
    assert policy.delay(1, retry_after=30.0) == 30.0


def test_the_server_is_used_again_once_it_answers(whisper_server, whisper_engine, finnish_clips):
    back = threading.Event()
    with fault_proxy(whisper_server.url) as proxy:
        proxy.fault = ("status", 500)
        connection = connect(
            proxy.url,
            timeout=60.0,
            on_status=lambda text: back.set() if text != SERVER_UNAVAILABLE else None,
            backoff=BackoffPolicy(first=0.05, longest=0.2),
        )
        engine = connection.asr_engine(whisper_engine)
        try:
            audio = _clip(finnish_clips)
            engine.decode(engine.encode(audio), "fi", final=True)
            assert not connection.health.available
            proxy.fault = None
            assert back.wait(180.0), "the background retry never reached the server again"
            engine.decode(engine.encode(audio), "fi", final=True)
            assert engine.backend_name.startswith("server ")
        finally:
            connection.close()


def test_untrusted_certificate_is_refused_naming_the_server(whisper_server, tmp_path):
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    bundle = tmp_path / "city-ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    with fault_proxy(whisper_server.url, tls_context=context) as proxy:
        untrusted = ServerConnection(ServerConfig(url=proxy.url, enabled=True), key="")
        with pytest.raises(ServerError, match="not trusted") as caught:
            untrusted.client.get_json("/health")
        assert f"127.0.0.1:{proxy.port}" in str(caught.value)
        untrusted.close()
        trusted = ServerConnection(
            ServerConfig(url=proxy.url, enabled=True, ca_bundle=str(bundle)), key=""
        )
        assert trusted.client.get_json("/health") == {"status": "ok"}
        trusted.close()


def test_api_key_is_sent_as_a_bearer_token(monkeypatch):
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization", ""))
        return httpx.Response(200, json={"data": []})

    monkeypatch.setenv("CITY_KEY", "s3cret")
    config = ServerConfig(url="http://127.0.0.1:9", enabled=True, api_key_env="CITY_KEY")
    connection = ServerConnection(config, transport=httpx.MockTransport(handler))
    connection.client.get_json("/v1/models")
    assert seen == ["Bearer s3cret"]


def test_doctor_checks_the_server(whisper_server):
    from interpreter.server.doctor import check_server

    config = ServerConfig(
        url=whisper_server.url, enabled=True, asr_model=MODEL_NAME, timeout_seconds=60.0
    )
    findings = check_server(config)
    assert all(f.ok for f in findings), findings
    texts = [f.what for f in findings]
    assert "reachable" in texts[0]
    assert any("transcription of 1 s" in t for t in texts)
    down = check_server(ServerConfig(url="http://127.0.0.1:9", enabled=True))
    assert not down[0].ok and "Cannot connect" in down[0].what and down[0].fix
