"""Settings of the Whisper engine (:mod:`interpreter.asr.whisper_engine`) and the device
they resolve to."""

from __future__ import annotations

from dataclasses import dataclass, field

from interpreter.asr.guards import GuardOptions


@dataclass(frozen=True)
class AsrOptions:
    """Recognition settings. ``device="auto"`` means CUDA float16 when a GPU exists."""

    device: str = "auto"
    compute_type: str = "default"
    cpu_threads: int = 0  # 0: all cores
    #: Decodes that can run at once, each on ``cpu_threads // workers`` threads: a
    #: tentative update keeps running while the words before a pause are committed.
    #: Whisper's decoder gains nothing from a second thread (measured on 2 cores: one
    #: thread decodes faster than two), so two workers of one thread beat one of two.
    #: The workers share the model's weights.
    workers: int = 2
    #: Beam sizes for tentative updates and for the decodes committed whole (after a
    #: pause, at the end). Beam 5 costs about twice as much per token as greedy, but
    #: greedy tentative decodes commit far more wrong first words (docs/benchmarks.md).
    beam_size: int = 5
    final_beam_size: int = 5
    #: A final result that loops or has low confidence is retried with this beam size.
    retry_beam_size: int = 5
    #: Encoder window: the audio plus a margin, at least this long, at most 30 s.
    min_window_seconds: float = 10.0
    window_margin_seconds: float = 1.0
    #: Output budget relative to the audio; bounds runaway generation.
    max_tokens_per_second: float = 15.0
    guards: GuardOptions = field(default_factory=GuardOptions)


def resolve_device(options: AsrOptions) -> tuple[str, str]:
    """(device, compute_type) for CTranslate2, honouring ``auto`` and ``default``."""
    import ctranslate2

    device = options.device
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute = options.compute_type
    if compute == "default":
        compute = "float16" if device == "cuda" else "int8"
    return device, compute
