"""Entry point of the bundled app: the ``interpreter`` command (no command: the desk)."""

from interpreter.cli import main

raise SystemExit(main())
