"""Streaming speech recognition on faster-whisper: engine, commit policy, language, guards."""
