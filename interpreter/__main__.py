"""``python -m interpreter`` runs the same command as ``interpreter``."""

from interpreter.cli import main

raise SystemExit(main())
