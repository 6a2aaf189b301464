"""Translation through a real LibreTranslate (PyPI, its own environment) serving Argos
packages built from the trained test models, and through an OpenAI-compatible chat API on
responses in its documented format."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from inference_servers import RunningServer, argos_package, fault_proxy, start_libretranslate
from trained_marian import trained_model_copy

from interpreter.server.client import ServerHealth
from interpreter.server.config import ServerConfig
from interpreter.server.remote import ServerConnection
from interpreter.server.translate import TRANSLATION_PROMPT, parse_chat_answer
from interpreter.translate.loader import build_engine


@pytest.fixture(scope="module")
def fi_en_model(tmp_path_factory) -> Path:
    """The trained test model (Finnish -> English phrases): local fallback and Argos source."""
    return trained_model_copy("fi-en", tmp_path_factory.mktemp("trained"))


@pytest.fixture(scope="module")
def argos_packages(fi_en_model, tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("argos")
    en_fi_model = trained_model_copy("en-fi", out)
    return [
        argos_package(fi_en_model, "fi", "en", out / "translate-fi_en.argosmodel"),
        argos_package(en_fi_model, "en", "fi", out / "translate-en_fi.argosmodel"),
    ]


@pytest.fixture(scope="module")
def libretranslate(argos_packages, tmp_path_factory) -> RunningServer:
    server = start_libretranslate(argos_packages, tmp_path_factory.mktemp("lt"), "fi,en")
    yield server
    server.stop()


def lt_connection(url: str, timeout: float = 30.0) -> ServerConnection:
    config = ServerConfig(url=url, enabled=True, asr=False, mt="libretranslate")
    config = ServerConfig(**{**config.to_mapping(), "timeout_seconds": timeout})
    return ServerConnection(config, key="")


def test_libretranslate_lists_the_pairs_and_translates(libretranslate, fi_en_model):
    from interpreter.server.translate import libretranslate_pairs

    connection = lt_connection(libretranslate.url)
    try:
        assert {("fi", "en"), ("en", "fi")} <= libretranslate_pairs(connection.client)
        local = build_engine("fi", "en", model_folder=fi_en_model)
        engine = connection.translation_engine("fi", "en", local, None)
        result = engine.translate("Hyvää päivää. Kiitos.")
        assert result.translation == "Good afternoon. Thank you."
        assert result.backend == f"libretranslate@{connection.config.host}"
        assert connection.health.fallbacks == 0
    finally:
        connection.close()


def test_numbers_survive_the_server_as_placeholders(libretranslate, fi_en_model):
    connection = lt_connection(libretranslate.url)
    try:
        engine = connection.translation_engine("fi", "en", None, None)
        result = engine.translate("Huone 12 on toisessa kerroksessa.")
        assert "12" in result.translation
    finally:
        connection.close()


@pytest.mark.parametrize(
    "fault", [("status", 500), ("status", 401), ("garbage",), ("stall", 10.0)], ids=str
)
def test_a_failing_translation_server_leaves_it_to_this_pc(fault, libretranslate, fi_en_model):
    with fault_proxy(libretranslate.url) as proxy:
        proxy.fault = fault
        connection = lt_connection(proxy.url, timeout=1.0)
        try:
            local = build_engine("fi", "en", model_folder=fi_en_model)
            engine = connection.translation_engine("fi", "en", local, None)
            result = engine.translate("Kiitos.")
            assert result.translation == "Thank you."
            assert result.backend == local.backend_name
            assert not connection.health.available
        finally:
            proxy.release()
            connection.close()


# -- chat API ------------------------------------------------------------------------------

#: A chat completion in the documented OpenAI format, as vLLM and llama.cpp return it.
RECORDED_CHAT = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1764547200,
    "model": "city-llm",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Room [[1]] is on the second floor."},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 80, "completion_tokens": 11, "total_tokens": 91},
}


def chat_server(replies: list[dict | str | int], seen: list[dict]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":  # the background retry's probe
            return httpx.Response(503)
        seen.append(json.loads(request.content))
        reply = replies.pop(0)
        if isinstance(reply, int):
            return httpx.Response(reply, json={"error": "x"})
        if isinstance(reply, str):
            return httpx.Response(200, text=reply)
        return httpx.Response(200, json=reply)

    return httpx.MockTransport(handler)


def chat_connection(transport) -> ServerConnection:
    config = ServerConfig(
        url="http://127.0.0.1:9", enabled=True, asr=False, mt="chat", mt_model="city-llm"
    )
    return ServerConnection(config, key="", transport=transport)


def test_chat_translation_keeps_placeholders_and_the_fixed_prompt():
    seen: list[dict] = []
    connection = chat_connection(chat_server([RECORDED_CHAT], seen))
    engine = connection.translation_engine("fi", "en", None, None)
    result = engine.translate("Huone 12 on toisessa kerroksessa.")
    assert result.translation == "Room 12 is on the second floor."
    assert result.tokens_out == 11
    (request,) = seen
    assert request["model"] == "city-llm" and request["temperature"] == 0
    assert request["messages"][0]["content"] == TRANSLATION_PROMPT.format(
        source="Finnish", target="English"
    )
    assert request["messages"][1]["content"] == "Huone [[1]] on toisessa kerroksessa."


def test_chat_output_is_checked_like_a_local_model(fi_en_model):
    looping = json.loads(json.dumps(RECORDED_CHAT))
    looping["choices"][0]["message"]["content"] = "thank you " * 12
    seen: list[dict] = []
    connection = chat_connection(chat_server([looping], seen))
    local = build_engine("fi", "en", model_folder=fi_en_model)
    engine = connection.translation_engine("fi", "en", local, None)
    result = engine.translate("Kiitos.")
    assert result.translation == "Thank you."  # the loop was rejected, this PC translated
    assert result.backend == local.backend_name


@pytest.mark.parametrize("reply", [500, 429, "not json", {"choices": []}], ids=str)
def test_chat_failures_fall_back(reply, fi_en_model):
    connection = chat_connection(chat_server([reply], []))
    local = build_engine("fi", "en", model_folder=fi_en_model)
    engine = connection.translation_engine("fi", "en", local, None)
    assert engine.translate("Kiitos.").translation == "Thank you."
    assert isinstance(connection.health, ServerHealth) and not connection.health.available


def test_a_cut_off_chat_answer_is_an_error():
    cut = json.loads(json.dumps(RECORDED_CHAT))
    cut["choices"][0]["finish_reason"] = "length"
    from interpreter.server.client import ServerError

    with pytest.raises(ServerError, match="cut the translation off"):
        parse_chat_answer(cut, "city")
