"""PySide6 desk windows that subscribe to core events and send commands."""
