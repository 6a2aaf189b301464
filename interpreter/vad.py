"""Streaming Silero VAD: speech probability per 32 ms frame, state kept across calls.

faster-whisper ships the Silero VAD v6 ONNX model; its own wrapper resets the recurrent
state on every call, which suits whole files. A live stream needs the state (and the
64-sample context before each frame) carried from one block to the next, so this module
drives the same ONNX file directly.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

FRAME_SAMPLES = 512  # 32 ms at 16 kHz, the frame size the model was trained with
_CONTEXT_SAMPLES = 64


def silero_model_path() -> Path:
    """The Silero VAD model file bundled with faster-whisper."""
    from faster_whisper.utils import get_assets_path

    return Path(get_assets_path()) / "silero_vad_v6.onnx"


class StreamingVad:
    """Feed any number of samples; get one speech probability per complete frame.

    Samples that do not fill a frame wait for the next call, so results do not depend
    on how the stream was cut into blocks.
    """

    def __init__(self, model_path: Path | None = None) -> None:
        import onnxruntime

        path = model_path or silero_model_path()
        if not Path(path).is_file():
            raise FileNotFoundError(
                f"Silero VAD model {path} is missing; reinstall faster-whisper."
            )
        options = onnxruntime.SessionOptions()
        # One thread: the VAD is tiny and must not compete with Whisper for the cores.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 4
        self._session = onnxruntime.InferenceSession(
            os.fspath(path), providers=["CPUExecutionProvider"], sess_options=options
        )
        self.reset()

    def reset(self) -> None:
        """Forget the stream so far (a new conversation)."""
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT_SAMPLES, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Speech probabilities (0..1) for every frame completed by ``samples``."""
        audio = np.concatenate([self._pending, np.asarray(samples, dtype=np.float32)])
        n_frames = len(audio) // FRAME_SAMPLES
        self._pending = audio[n_frames * FRAME_SAMPLES :]
        if n_frames == 0:
            return np.zeros(0, dtype=np.float32)
        frames = audio[: n_frames * FRAME_SAMPLES].reshape(n_frames, FRAME_SAMPLES)
        # Each frame is preceded by the last 64 samples of the frame before it.
        contexts = np.empty((n_frames, _CONTEXT_SAMPLES), dtype=np.float32)
        contexts[0] = self._context
        contexts[1:] = frames[:-1, -_CONTEXT_SAMPLES:]
        self._context = frames[-1, -_CONTEXT_SAMPLES:].copy()
        batch = np.concatenate([contexts, frames], axis=1)
        probs, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        return np.asarray(probs, dtype=np.float32).reshape(-1)
