"""What the ``interpreter`` commands share: the user-error type and the city's limits."""

from __future__ import annotations

import argparse
from pathlib import Path

NO_VMAP_HELP = "CTranslate2: score every target token, not only the vocabulary map's candidates"


class UserError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


def central_limits(args: argparse.Namespace) -> Path | None:
    """The city's configuration applied to ``listen`` / ``translate``: a pair outside its
    locked ``allowed_pairs`` is refused, and the glossary to use is returned (its locked
    file, else ``--glossary``, else its default). ``ValueError`` names the file."""
    from interpreter.central_config import load_central_config

    central = load_central_config()
    if getattr(args, "command", None) == "translate":
        central.check_direction(args.source.lower(), args.target.lower())
    else:
        args.pair = args.pair or (central.locked_pairs() or ("fi-en",))[0]
        central.check_pair(args.pair)
    return central.glossary_path(args.glossary)
