"""Shared fixtures: an isolated environment for the whole run, and generated test speech.

Isolation: before any test module is imported, the models folder
(``INTERPRETER_MODELS_DIR``), the XDG data/config/cache/state (logs) folders and the
Hugging Face home point at a throwaway folder, and the hub is put offline
(``HF_HUB_OFFLINE=1``). Tests therefore never read or change the user's real settings or
models and never download.
This happens in ``pytest_configure`` rather than in a fixture because huggingface_hub
reads these variables once, when it is first imported, which may be during collection.

Speech fixtures are session scoped and copy their files into a session temporary folder;
the synthesis itself is cached across runs (see ``speech.py``). When Festival, espeak-ng or
the LibriVox clips are missing they skip with the command to install them; when the ``CI``
environment variable is set they fail instead, because CI must have installed them.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import speech

logger = logging.getLogger(__name__)

#: Variables pointed at sub-folders of the throwaway folder for the whole run.
ISOLATED_DIRS = {
    "INTERPRETER_MODELS_DIR": "models",
    "XDG_DATA_HOME": "data",
    "XDG_CONFIG_HOME": "config",
    "XDG_CACHE_HOME": "cache",
    "XDG_STATE_HOME": "state",
    "HF_HOME": "huggingface",
}
#: Variables forced to a value, and variables removed so that HF_HOME decides.
FORCED_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
REMOVED_ENV = ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_XET_CACHE", "TRANSFORMERS_CACHE")

#: Sentences also spoken by the male Festival voice in ``finnish_clips``.
MV_SENTENCE_INDICES = (1, 5, 9)

_ENV_ROOT = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Point user folders at a throwaway folder and go offline, before collection."""
    root = Path(tempfile.mkdtemp(prefix="desk-interpreter-tests-"))
    names = [*ISOLATED_DIRS, *FORCED_ENV, *REMOVED_ENV]
    saved = {name: os.environ.get(name) for name in names}
    for name, folder in ISOLATED_DIRS.items():
        (root / folder).mkdir()
        os.environ[name] = str(root / folder)
    os.environ.update(FORCED_ENV)
    # Qt windows render offscreen unless the caller chose a platform (e.g. xcb under Xvfb);
    # without a display Qt would abort the whole run.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in REMOVED_ENV:
        os.environ.pop(name, None)
    config.stash[_ENV_ROOT] = root
    logger.debug("isolated user folders under %s", root)

    def restore() -> None:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(root, ignore_errors=True)

    config.add_cleanup(restore)


@pytest.fixture(scope="session", autouse=True)
def isolated_environment(request: pytest.FixtureRequest) -> Iterator[dict[str, Path]]:
    """The throwaway folders by variable name, re-applied for the session.

    Re-applying undoes anything a plugin or an imported module changed during collection.
    """
    root = request.config.stash[_ENV_ROOT]
    folders = {name: root / folder for name, folder in ISOLATED_DIRS.items()}
    with pytest.MonkeyPatch.context() as patch:
        for name, folder in folders.items():
            patch.setenv(name, str(folder))
        for name, value in FORCED_ENV.items():
            patch.setenv(name, value)
        for name in REMOVED_ENV:
            patch.delenv(name, raising=False)
        yield folders


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """Undo what a test's in-process ``main()`` did to logging: its terminal handler
    writes to that test's captured stderr, which pytest closes afterwards, and a later
    warning from any thread would then fail to print."""
    import sys
    import threading

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = sys.excepthook, threading.excepthook
    yield
    for handler in list(root.handlers):
        # Only the app's own handlers: pytest's capture handlers come and go per phase.
        if getattr(handler, "_desk_handler", False) and handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _need(*needs: str) -> None:
    """Skip (or in CI fail) the requesting test unless the speech tools for ``needs`` exist."""
    missing = speech.missing_requirements(*needs)
    if not missing:
        return
    message = f"test speech needs {'; '.join(missing)}: run `bash scripts/setup.sh --dev`"
    if _in_ci():
        pytest.fail(f"{message} (CI must install them)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def require_voikko() -> None:
    """Skip (or in CI fail) unless libvoikko and its Finnish dictionary load."""
    from interpreter.translate.finnish import load_voikko

    lemmatizer = load_voikko()
    if lemmatizer is not None:
        lemmatizer.close()
        return
    message = "libvoikko with Finnish needs libvoikko1 and voikko-fi: run `bash scripts/setup.sh`"
    if _in_ci():
        pytest.fail(f"{message} (CI must install them)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def require_speech() -> Callable[..., None]:
    """``require_speech("finnish", "english", "librivox", "babble")`` skips/fails like the
    speech fixtures when the tools are missing; for tests that call ``speech`` directly."""
    return _need


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Session folder holding the copies of generated clips that fixtures hand out."""
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def finnish_clips(speech_dir: Path) -> list[tuple[Path, str]]:
    """(wav, text) for every ``FINNISH_SENTENCES`` entry with the female ``lj`` voice, then
    three of them (``MV_SENTENCE_INDICES``) with the male ``mv`` voice; 16 kHz mono."""
    _need("finnish")
    return speech.finnish_test_clips(speech_dir, MV_SENTENCE_INDICES)


@pytest.fixture(scope="session")
def english_clips(speech_dir: Path) -> list[tuple[Path, str]]:
    """(wav, text): the LibriVox recordings (real speech, lower-case references, used in
    place) followed by every ``ENGLISH_SENTENCES`` entry from espeak-ng; 16 kHz mono."""
    _need("english", "librivox")
    return speech.english_test_clips(speech_dir)


@pytest.fixture(scope="session")
def conversation_fi_en(
    finnish_clips: list[tuple[Path, str]], speech_dir: Path
) -> speech.Conversation:
    """Eight turns, Finnish (Festival lj) and English alternating, about 45 s.

    English turns alternate LibriVox and espeak-ng. Default spacing: speech starts at 1.0 s,
    1.5 s between speech, 2.0 s after the last; ``segments`` hold the true times.
    """
    _need("english", "librivox")
    real = speech.librivox_clips()
    robotic = [
        (speech.synthesize_english(text, speech_dir / f"en-espeak-{index:02d}.wav"), text)
        for index, text in enumerate(speech.ENGLISH_SENTENCES)
    ]
    english = [real[0], robotic[0], real[1], robotic[1]]
    turns: list[tuple[Path, str, str]] = []
    for (fi_path, fi_text), (en_path, en_text) in zip(finnish_clips[:4], english, strict=True):
        turns += [(fi_path, fi_text, "fi"), (en_path, en_text, "en")]
    return speech.build_conversation(turns, out_path=speech_dir / "conversation-fi-en.wav")


@pytest.fixture(scope="session")
def whisper_base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder with Whisper base (CTranslate2) that faster-whisper can load, joined from the
    offline PyPI packages into a session folder: no network, no user data."""
    from models.whisper import ensure_whisper_base

    return ensure_whisper_base(tmp_path_factory.mktemp("whisper-models"))


@pytest.fixture(scope="session")
def whisper_engine(whisper_base_dir: Path):
    """Whisper base loaded once for the session, CPU int8 on two threads like a desk PC."""
    from interpreter.asr.whisper_engine import AsrOptions, WhisperEngine

    return WhisperEngine(whisper_base_dir, AsrOptions(device="cpu", cpu_threads=2))
