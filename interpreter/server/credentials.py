"""The server's API key: from an environment variable or the OS keyring, never from settings.

``keyring`` is optional: without it only the environment variable works, and storing a key
says what to install.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "desk-interpreter"


class CredentialError(RuntimeError):
    """The key cannot be stored or read; the message says what to do."""


def _keyring():
    try:
        import keyring
    except ImportError as exc:
        raise CredentialError(
            "The OS keyring is not available (Python package 'keyring' is missing): "
            "pip install keyring, or give the key in the environment variable instead."
        ) from exc
    return keyring


def api_key(url: str, env_var: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The key for ``url``: ``env_var`` first, then the OS keyring; None when neither has one."""
    environ = os.environ if environ is None else environ
    value = environ.get(env_var, "").strip() if env_var else ""
    if value:
        return value
    try:
        stored = _keyring().get_password(KEYRING_SERVICE, url)
    except CredentialError:
        return None
    except Exception as exc:  # a keyring backend that fails must not stop the desk
        # No keyring on this PC at all is normal (the key comes from the variable).
        quiet = type(exc).__name__ == "NoKeyringError"
        log = logger.debug if quiet else logger.warning
        log("could not read the server key from the OS keyring: %s", exc)
        return None
    return stored or None


def store_api_key(url: str, key: str) -> None:
    """Keep ``key`` for ``url`` in the OS keyring (an empty key removes it)."""
    keyring = _keyring()
    try:
        if key:
            keyring.set_password(KEYRING_SERVICE, url, key)
        else:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, url)
    except keyring.errors.KeyringError as exc:
        raise CredentialError(
            f"The OS keyring refused the key for {url}: {exc}. Give the key in the "
            "environment variable instead."
        ) from exc
