"""Errors shared by the model store and the translation core above it."""

from __future__ import annotations


class TranslationError(Exception):
    """A user-facing translation problem: names the model, file or pair and what to do."""
