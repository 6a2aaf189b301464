"""A socket guard: any attempt to resolve a name or open an internet connection is refused
and recorded, so a test can prove a run used no network.

Usable in-process (:func:`install`) or as a launcher:
``python tests/network_guard.py REPORT.json -m interpreter listen ...`` runs the module
as ``python -m`` would, and writes the attempts (none, for a clean run) to REPORT.json.
Unix sockets (D-Bus, PulseAudio, X11) are local and allowed.
"""

from __future__ import annotations

import atexit
import json
import runpy
import socket
import sys
from pathlib import Path

#: Audit events that reach the network.
NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto")


class NetworkRefused(OSError):
    """Raised in place of a network operation under the guard."""


def _is_internet(event: str, args: tuple) -> bool:
    if event == "socket.connect" or event == "socket.sendto":
        sock = args[0]
        return getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6)
    return True  # name lookups


def install(report: Path) -> list[str]:
    """Refuse network operations from now on; attempts are written to ``report`` at exit."""
    attempts: list[str] = []

    def hook(event: str, args: tuple) -> None:
        if event in NETWORK_EVENTS and _is_internet(event, args):
            attempts.append(f"{event} {args[1:]!r}"[:300])
            raise NetworkRefused(f"network use under the guard: {event}")

    sys.addaudithook(hook)
    atexit.register(lambda: Path(report).write_text(json.dumps(attempts), encoding="utf-8"))
    return attempts


def main() -> None:
    report, flag, module, *rest = sys.argv[1:]
    if flag != "-m":
        raise SystemExit("usage: network_guard.py REPORT -m MODULE [ARGS...]")
    install(Path(report))
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
