"""A cost model of streaming recognition: what a second of conversation costs per model.

Streaming decodes the open utterance about every half second of speech (the tentative
cadence), plus the decodes at pauses. Each decode encodes the utterance's audio once, on
a window of at least 10 s, and runs the decoder over every token it reads or writes: the
committed words forced as a prefix cost a decoder step each, like the new words. So::

    seconds per decode = encoder(window) + decoder setup + tokens x decoder per token
    real-time factor   = decodes per second of audio x seconds per decode

The decodes per second and the tokens per decode are properties of the recognizer and
the speech, not of the model size: they are measured once, on Whisper base
(``benchmarks/streaming_latency.py``, docs/benchmarks.md), and carried over to the other
sizes. The encoder and decoder costs are measured per size (``benchmarks/model_ladder.py``).

On a shared machine every timing can be inflated by other work, but sizes timed in the
same run are inflated alike, so the sturdier figure is relative: a size's seconds per
decode over base's, times the real-time factor streaming really measured for base.

The project's decoders run as two workers (``AsrOptions.workers``), each on half the
cores, so a machine of ``c`` cores decodes on ``c // 2`` threads per decode.

Thread counts the benchmark machine does not have are estimated with Amdahl's law from
the 1- and 2-thread figures; such figures are estimates, not measurements. What perfect
scaling would give is a bound instead: no number of threads does better.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Real-time factor a model must stay under to be recommended: half of real time leaves
#: the cores room for translation and keeps tentative updates at their cadence.
HEADROOM_RTF = 0.5
#: Whisper workers of the streaming engine (``AsrOptions.workers``).
WORKERS = 2
#: The streaming benchmark on Whisper base, docs/benchmarks.md (2026-12-01 rerun, 2 cores).
BASE_STREAMING = {"decodes": 113, "audio_seconds": 88.1, "asr_rtf": 0.68, "threads": 2}


@dataclass(frozen=True)
class StreamingLoad:
    """What the recognizer asks of Whisper per second of conversation (model-independent).

    Defaults: docs/benchmarks.md, "Streaming recognition" (Whisper base, 16 sentences,
    88 s of audio, tentative updates every 0.5 s).
    """

    #: Decodes per second of audio: 113 decodes in 88.1 s.
    decodes_per_second: float = BASE_STREAMING["decodes"] / BASE_STREAMING["audio_seconds"]
    #: Decoder steps per decode, forced prefix included: 0.22 s of decoding per decode at
    #: about 9 ms per beam-5 token on the same run's layout.
    tokens_per_decode: float = 24.0
    #: Encoder window of a typical decode: the audio plus 1 s, at least 10 s.
    window_seconds: float = 10.0
    #: Base's measured real-time factor in that run (2 cores: one thread per decode).
    base_rtf: float = BASE_STREAMING["asr_rtf"]


@dataclass(frozen=True)
class ModelTiming:
    """One model at one thread count: the costs the model above needs."""

    encoder_seconds: float  # one encode of the streaming window
    decoder_setup_seconds: float  # per decode, whatever its length (cross-attention setup)
    decoder_token_seconds: float  # per decoder step, beam search as streaming runs it


def decoder_line(
    short_tokens: int, short_seconds: float, long_tokens: int, long_seconds: float
) -> tuple[float, float]:
    """(setup seconds, seconds per token) of a decoder from two decodes of different length."""
    if long_tokens <= short_tokens:
        raise ValueError("the long decode must produce more tokens than the short one")
    per_token = (long_seconds - short_seconds) / (long_tokens - short_tokens)
    per_token = max(per_token, 0.0)
    setup = max(short_seconds - short_tokens * per_token, 0.0)
    return setup, per_token


def seconds_per_decode(load: StreamingLoad, timing: ModelTiming) -> float:
    """Encoder once, decoder setup once, then one decoder step per token."""
    return (
        timing.encoder_seconds
        + timing.decoder_setup_seconds
        + load.tokens_per_decode * timing.decoder_token_seconds
    )


def streaming_rtf(load: StreamingLoad, timing: ModelTiming) -> float:
    """Whisper compute seconds per second of audio at the streaming cadence."""
    return load.decodes_per_second * seconds_per_decode(load, timing)


def relative_rtf(
    load: StreamingLoad, model: ModelTiming, base: ModelTiming, thread_speedup: float = 1.0
) -> float:
    """Base's measured real-time factor times the model's cost per decode relative to
    base's, both on one thread and timed in the same run, divided by the model's own
    speed-up on the threads it gets."""
    ratio = seconds_per_decode(load, model) / seconds_per_decode(load, base)
    return load.base_rtf * ratio / thread_speedup


def least_rtf(rtf_one_thread: float, threads: int) -> float:
    """The real-time factor ``threads`` threads per decode could give at best: perfect
    scaling. A bound, not an estimate: a size over the headroom here is over it for sure."""
    return rtf_one_thread / threads


def amdahl_seconds(one_thread: float, two_threads: float, threads: int) -> float:
    """Estimated time on ``threads`` threads from times measured on one and two.

    The parallel share ``p`` follows from the 1-to-2 speed-up; a computation that got
    slower on two threads is taken as serial (``p`` = 0).
    """
    if one_thread <= 0 or two_threads <= 0:
        raise ValueError("times must be positive")
    parallel = min(max(2.0 * (1.0 - two_threads / one_thread), 0.0), 1.0)
    return one_thread * ((1.0 - parallel) + parallel / threads)


def threads_per_decode(cores: int, workers: int = WORKERS) -> int:
    """Threads one decode gets on a machine of ``cores`` cores."""
    return max(1, cores // workers)


def keeps_up(rtf: float, headroom: float = HEADROOM_RTF) -> bool:
    """Whether a model at this real-time factor suits a desk (see ``HEADROOM_RTF``)."""
    return rtf <= headroom
