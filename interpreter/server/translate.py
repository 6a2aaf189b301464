"""Translation on the city's server: LibreTranslate's API or an OpenAI-compatible chat API.

Both are :class:`~interpreter.translate.base.TranslationBackend` s inside an ordinary
:class:`~interpreter.translate.engine.TranslationEngine`, so sentences are split,
glossary terms and protected spans travel as ``[[n]]`` placeholders, and the output is
checked by the same degenerate-output and placeholder rules as a local model's.
:class:`ServerTranslationEngine` finishes a request with the local engine when the server
fails or its output is rejected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from interpreter.server.client import ServerClient, ServerError, ServerHealth
from interpreter.translate.base import BackendOutput, TranslationCancelled, TranslationError
from interpreter.translate.engine import TranslationEngine, TranslationResult

logger = logging.getLogger(__name__)

#: The fixed instruction for a chat model. Placeholders carry numbers, dates, names and
#: glossary terms that the desk puts back itself; the model must leave them as they are.
TRANSLATION_PROMPT = (
    "You translate what is said at a city customer-service desk from {source} to {target}. "
    "Reply with the translation only: no notes, no quotes, no explanations. Keep every "
    "placeholder such as [[1]] or [[2]] exactly as written, once each, where it belongs in "
    "the translated sentence. Keep the register polite and plain."
)

#: Language names for the prompt; other codes are given as they are.
_LANGUAGE_NAMES = {
    "fi": "Finnish",
    "en": "English",
    "sv": "Swedish",
    "ru": "Russian",
    "et": "Estonian",
    "ar": "Arabic",
    "so": "Somali",
    "fa": "Persian",
    "uk": "Ukrainian",
}


def _approximate_tokens(text: str) -> int:
    return len(text.split())


class LibreTranslateBackend:
    """``POST /translate`` with the batch of sentences as ``q`` (a list)."""

    name = "libretranslate"

    def __init__(self, client: ServerClient, source: str, target: str, api_key: str = "") -> None:
        self.client = client
        self.source = source
        self.target = target
        self.api_key = api_key

    def translate_batch(self, segments: Sequence[str]) -> list[BackendOutput]:
        if not segments:
            return []
        payload = {"q": list(segments), "source": self.source, "target": self.target}
        payload["format"] = "text"
        if self.api_key:
            payload["api_key"] = self.api_key
        answer = self.client.post_json("/translate", payload)
        texts = answer.get("translatedText") if isinstance(answer, dict) else None
        if (
            not isinstance(texts, list)
            or len(texts) != len(segments)
            or not all(isinstance(t, str) for t in texts)
        ):
            raise ServerError(
                f"Server {self.client.name} answered /translate without one translation per "
                f"sentence: {str(answer)[:80]!r}"
            )
        return [BackendOutput(text, _approximate_tokens(text)) for text in texts]


def libretranslate_pairs(client: ServerClient) -> set[tuple[str, str]]:
    """The directions a LibreTranslate server offers (``GET /languages``)."""
    answer = client.get_json("/languages")
    if not isinstance(answer, list):
        raise ServerError(f"Server {client.name} answered /languages with {str(answer)[:80]!r}")
    pairs = set()
    for language in answer:
        if isinstance(language, dict):
            for target in language.get("targets") or []:
                if target != language.get("code"):
                    pairs.add((str(language.get("code")), str(target)))
    return pairs


class ChatTranslationBackend:
    """``POST /v1/chat/completions``: one request per sentence, temperature 0."""

    name = "chat"

    def __init__(self, client: ServerClient, model: str, source: str, target: str) -> None:
        self.client = client
        self.model = model
        self.source = source
        self.target = target

    def messages(self, segment: str) -> list[dict[str, str]]:
        system = TRANSLATION_PROMPT.format(
            source=_LANGUAGE_NAMES.get(self.source, self.source),
            target=_LANGUAGE_NAMES.get(self.target, self.target),
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": segment}]

    def translate_batch(self, segments: Sequence[str]) -> list[BackendOutput]:
        return [self._one(segment) for segment in segments]

    def _one(self, segment: str) -> BackendOutput:
        if not segment.strip():
            return BackendOutput("", 0)
        payload = {
            "model": self.model,
            "messages": self.messages(segment),
            "temperature": 0,
            "max_tokens": max(64, 4 * len(segment.split()) + 32),
        }
        answer = self.client.post_json("/v1/chat/completions", payload)
        return parse_chat_answer(answer, self.client.name)


def parse_chat_answer(answer: object, server: str) -> BackendOutput:
    """The first choice's message, checked; ``usage.completion_tokens`` when given."""
    try:
        choice = answer["choices"][0]  # type: ignore[index]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise ServerError(
            f"Server {server} answered the chat request without a message: {str(answer)[:80]!r}"
        ) from exc
    if not isinstance(content, str):
        raise ServerError(f"Server {server} sent a chat message that is not text.")
    if choice.get("finish_reason") == "length":
        raise ServerError(f"Server {server} cut the translation off (finish_reason length).")
    text = content.strip().strip('"').strip()
    usage = answer.get("usage") if isinstance(answer, dict) else None
    tokens = usage.get("completion_tokens") if isinstance(usage, dict) else None
    return BackendOutput(
        text, int(tokens) if isinstance(tokens, int) else _approximate_tokens(text)
    )


class ServerTranslationEngine:
    """A server engine first; the local engine when the server fails or its output is
    rejected (the result then names the local backend). Same interface as
    :class:`TranslationEngine` for the translation worker."""

    def __init__(
        self,
        remote: TranslationEngine,
        local: TranslationEngine | None,
        health: ServerHealth,
        server_name: str,
    ) -> None:
        self.remote = remote
        self.local = local
        self.health = health
        self.server_name = server_name
        self.source, self.target = remote.source, remote.target
        self.route_id = remote.route_id
        self.steps = remote.steps
        self.glossary = remote.glossary
        self.cache = remote.cache

    @property
    def backend_name(self) -> str:
        return f"{self.remote.backend_name}@{self.server_name}"

    def translate(self, text: str, stop: Callable[[], bool] | None = None) -> TranslationResult:
        if self.health.available:
            try:
                result = self.remote.translate(text, stop=stop)
            except TranslationCancelled:
                raise
            except ServerError as exc:
                self.health.failed(exc)
            else:
                result = _named(result, self.backend_name)
                if not result.untranslated or self.local is None:
                    return result
                logger.warning("server translation rejected (%s); translating here", result.flags)
        elif self.local is not None:
            self.health.count_local()
        if self.local is None:
            raise TranslationError(
                f"Server {self.server_name} is unavailable and no local translation model "
                f"is installed for {self.source}-{self.target}."
            )
        return self.local.translate(text, stop=stop)


def _named(result: TranslationResult, backend: str) -> TranslationResult:
    from dataclasses import replace

    return replace(result, backend=backend)
