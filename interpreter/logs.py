"""The log for IT support: a rotating file in the user's log folder, without client data.

:func:`setup_logging` is called once, by ``main()``, for the terminal commands and the desk
alike. It writes to

* ``desk-interpreter.log`` (rotated, a few MB in all) in the per-user log folder
  (platformdirs; ``INTERPRETER_LOG_DIR`` overrides it): versions, devices, models,
  timings, warnings, errors and every uncaught exception's traceback, from any thread;
* ``native-crash.log`` next to it: ``faulthandler`` writes the Python stacks there when the
  process dies in native code; the next start copies them into the log;
* stderr, at the level ``-v``/``-vv`` asks for.

No transcript or translation text reaches any of these. Code that would log such text
logs it to a :func:`conversation_logger`, which is silent unless the debug option
``--log-conversation-text`` (or ``INTERPRETER_LOG_CONVERSATION_TEXT=1``) is on; then
those records, with everything else for context, go to ``conversation-text.log`` in the
same folder, and only there. The support report never includes that file.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import platform
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

logger = logging.getLogger(__name__)

APP_NAME = "desk-interpreter"
LOG_DIR_ENV = "INTERPRETER_LOG_DIR"
CONVERSATION_TEXT_ENV = "INTERPRETER_LOG_CONVERSATION_TEXT"
LOG_FILE_NAME = "desk-interpreter.log"
CRASH_FILE_NAME = "native-crash.log"
CONVERSATION_FILE_NAME = "conversation-text.log"
#: The logger under which conversation text is logged; nothing under it reaches the
#: regular log or the terminal.
CONVERSATION_LOGGER = "conversation"
LOG_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
#: One file of this size and this many older ones: a few days of a busy desk.
MAX_LOG_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 4
#: A level above every record's: the conversation branch's level while it is off.
OFF = logging.CRITICAL + 1


@dataclass(frozen=True)
class LogOptions:
    """What ``main()`` asks for: terminal verbosity, whether a log file is written, and
    the debug option that lets conversation text into a separate log file."""

    verbosity: int = 0
    log_file: bool = True
    conversation_text: bool = False
    log_dir: Path | None = None


@dataclass(frozen=True)
class LogSetup:
    """Where the logs went, for the desk's status bar and the support report."""

    log_dir: Path | None
    log_file: Path | None
    crash_file: Path | None
    conversation_file: Path | None


def env_flag(name: str, env: dict[str, str] | None = None) -> bool:
    value = (os.environ if env is None else env).get(name, "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def default_log_dir() -> Path:
    """``INTERPRETER_LOG_DIR`` if set, else the per-user log folder."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def conversation_logger(name: str) -> logging.Logger:
    """The logger for records that carry transcript or translation text (``name`` is
    the calling module's). Silent unless the conversation-text debug option is on: until
    :func:`setup_logging` says otherwise, the whole branch is off, so a program that
    configures logging its own way does not get text either."""
    branch = logging.getLogger(CONVERSATION_LOGGER)
    if branch.level == logging.NOTSET:
        branch.setLevel(OFF)
    return logging.getLogger(f"{CONVERSATION_LOGGER}.{name}")


class _WithoutConversation(logging.Filter):
    """Keeps conversation-text records out of a handler, whatever its level."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name == CONVERSATION_LOGGER or record.name.startswith(CONVERSATION_LOGGER + ".")
        )


def setup_logging(options: LogOptions, stream: TextIO | None = None) -> LogSetup:
    """Configure the root logger once for the process: terminal, log file, crash hooks."""
    stream = stream if stream is not None else sys.stderr
    terminal_level = (
        logging.WARNING
        if options.verbosity <= 0
        else logging.INFO
        if options.verbosity == 1
        else logging.DEBUG
    )
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_desk_handler", False):  # from an earlier call: replaced
            root.removeHandler(handler)
            handler.close()
    no_text = _WithoutConversation()
    terminal = logging.StreamHandler(stream)
    terminal.setLevel(terminal_level)
    terminal.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    terminal.addFilter(no_text)
    _add(root, terminal)
    file_level = logging.DEBUG if options.verbosity >= 2 else logging.INFO
    root.setLevel(min(terminal_level, file_level) if options.log_file else terminal_level)
    # Chatty libraries stay quiet unless -vv asks for everything.
    for name in ("faster_whisper", "matplotlib", "PIL", "urllib3", "httpx", "filelock"):
        logging.getLogger(name).setLevel(
            logging.DEBUG if options.verbosity >= 2 else logging.WARNING
        )
    text_log = logging.getLogger(CONVERSATION_LOGGER)
    text_log.setLevel(logging.DEBUG if options.conversation_text else OFF)
    text_log.propagate = True
    for handler in list(text_log.handlers):
        text_log.removeHandler(handler)
        handler.close()
    setup = LogSetup(None, None, None, None)
    if options.log_file:
        setup = _add_files(root, options, file_level, no_text)
    _install_exception_hooks()
    _log_start(setup, options)
    return setup


def _add(target: logging.Logger, handler: logging.Handler) -> None:
    handler._desk_handler = True  # type: ignore[attr-defined]
    target.addHandler(handler)


def _add_files(
    root: logging.Logger, options: LogOptions, level: int, no_text: logging.Filter
) -> LogSetup:
    log_dir = options.log_dir or default_log_dir()
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        main_file = logging.handlers.RotatingFileHandler(
            log_dir / LOG_FILE_NAME,
            maxBytes=MAX_LOG_BYTES,
            backupCount=LOG_BACKUPS,
            encoding="utf-8",
            delay=False,
        )
    except OSError as exc:
        logger.warning("no log file: %s is not writable (%s)", log_dir, exc.strerror or exc)
        return LogSetup(None, None, None, None)
    main_file.setLevel(level)
    main_file.setFormatter(logging.Formatter(LOG_FORMAT))
    main_file.addFilter(no_text)
    _add(root, main_file)
    crash_file = _enable_faulthandler(log_dir / CRASH_FILE_NAME)
    conversation_file = None
    if options.conversation_text:
        conversation_file = log_dir / CONVERSATION_FILE_NAME
        debug_file = logging.FileHandler(conversation_file, encoding="utf-8")
        debug_file.setLevel(logging.DEBUG)
        debug_file.setFormatter(logging.Formatter(LOG_FORMAT))
        _add(root, debug_file)
        root.setLevel(logging.DEBUG)
        # Records under the conversation logger reach only this file.
        text_log = logging.getLogger(CONVERSATION_LOGGER)
        text_log.propagate = False
        _add(text_log, debug_file)
    return LogSetup(log_dir, log_dir / LOG_FILE_NAME, crash_file, conversation_file)


def _enable_faulthandler(path: Path) -> Path | None:
    """Native crashes write the Python stacks to ``path``; a previous crash's stacks are
    moved into the log first, so they are not lost when the file is reopened."""
    try:
        previous = path.read_text("utf-8", errors="replace") if path.is_file() else ""
        if previous.strip():
            logger.error("the previous run crashed in native code:\n%s", previous.rstrip())
        # Kept open for the life of the process: faulthandler writes with no allocation.
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        logger.warning("no native crash file %s: %s", path, exc.strerror or exc)
        return None
    faulthandler.enable(file=handle, all_threads=True)
    return path


def _install_exception_hooks() -> None:
    """Uncaught exceptions in any thread (and in Qt slots, which go to sys.excepthook)
    leave their traceback in the log, then behave as before."""
    previous_hook = sys.excepthook
    previous_thread_hook = threading.excepthook
    if getattr(previous_hook, "_desk_logging", False):
        return

    def log_uncaught(kind, value, traceback) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            logging.getLogger("crash").critical(
                "uncaught exception", exc_info=(kind, value, traceback)
            )
        previous_hook(kind, value, traceback)

    def log_thread_uncaught(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            name = args.thread.name if args.thread is not None else "?"
            logging.getLogger("crash").critical(
                "uncaught exception in thread %s",
                name,
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )
        previous_thread_hook(args)

    log_uncaught._desk_logging = True  # type: ignore[attr-defined]
    sys.excepthook = log_uncaught
    threading.excepthook = log_thread_uncaught


def _log_start(setup: LogSetup, options: LogOptions) -> None:
    from interpreter import __version__

    logger.info(
        "desk-interpreter %s, Python %s, %s (%s), pid %d",
        __version__,
        platform.python_version(),
        platform.platform(),
        platform.machine(),
        os.getpid(),
    )
    if options.conversation_text:
        logger.warning(
            "conversation text is logged (debug option): %s; delete it when done",
            setup.conversation_file or "no log file, so nowhere",
        )
