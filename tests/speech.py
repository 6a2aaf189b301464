"""Speech and noise for tests and benchmarks, generated on demand from Debian packages.

* Finnish: Festival with the Suopuhe diphone voices (``lj`` female, ``mv`` male).
* English: espeak-ng (robotic, exact text known) and five LibriVox recordings of real read
  speech shipped by ``pocketsphinx-testdata``.
* Noise: digital silence, quiet pink noise and wordless babble (see :func:`make_noise`).

All audio is 16 kHz mono 16-bit PCM WAV. Synthesised clips are cached in
``.test-cache/speech`` at the repository root (or ``$DESK_TEST_CACHE_DIR/speech``), keyed by
a hash of recipe, voice and text; files are written atomically, so the cache is safe to delete.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
LIBRIVOX_DIR = Path("/usr/share/pocketsphinx/test/data/librivox")
FESTIVAL_VOICE_DIR = Path("/usr/share/festival/voices/finnish")
FESTIVAL_VOICES = {"lj": "voice_suo_fi_lj_diphone", "mv": "voice_hy_fi_mv_diphone"}
#: Energy envelope that decides where speech starts and ends (see :func:`speech_bounds`).
SPEECH_FRAME_SECONDS = 0.01
SPEECH_FLOOR_DBFS = -42.0
SPEECH_BELOW_PEAK_DB = 30.0
#: Bump when the way clips are made changes, so stale cached files are not reused.
RECIPE_VERSION = 1

FinnishVoice = Literal["lj", "mv"]
NoiseKind = Literal["silence", "low_noise", "brown_noise", "babble", "desk_sounds"]
Command = list[str | Path]

#: Customer-service desk sentences, each about 3-5 s with the Festival voices.
FINNISH_SENTENCES: tuple[str, ...] = (
    "Hyvää päivää ja tervetuloa, miten voin auttaa teitä tänään?",
    "Tarvitsen apua asumistuen hakemisessa, koska vuokrani nousi.",
    "Onko teillä henkilöllisyystodistus tai passi mukana tänään?",
    "Kelan päätös tulee yleensä postissa noin kuukauden kuluessa.",
    "Voitte varata ajan TE-toimistoon myös puhelimitse tai verkossa.",
    "Päivähoitohakemus pitää jättää neljä kuukautta ennen hoidon alkua.",
    "Täyttäkää tämä lomake ja palauttakaa se tiskille, kiitos.",
    "Minulla on ajanvaraus kello kymmeneltä, mutta olen hieman myöhässä.",
    "Tarvitsetteko tulkin myös seuraavalla käynnillä Kelan toimistossa?",
    "Olen ollut työttömänä kolme kuukautta ja haluaisin ilmoittautua työnhakijaksi.",
    "Lapseni tarvitsee päivähoitopaikan ensi syksystä alkaen.",
    "Voitteko kirjoittaa henkilötunnuksenne tähän kohtaan?",
)

#: Simple client sentences for espeak-ng, each about 3 s.
ENGLISH_SENTENCES: tuple[str, ...] = (
    "Good morning, my name is Anna. How can I help you today?",
    "I would like to apply for housing allowance for my family.",
    "Do you have an identity card or a passport with you today?",
    "Please take a number from the machine and wait until it is called.",
    "I have an appointment at ten o'clock, but I am a little late.",
    "Can you help me fill in this application form, please?",
)


class SpeechToolMissing(RuntimeError):
    """A program or data package needed to make test speech is not installed."""


@dataclass(frozen=True)
class Segment:
    """One clip inside a :class:`Conversation`; times are seconds of speech in the file."""

    start: float
    end: float
    text: str
    lang: str
    source: Path


@dataclass(frozen=True)
class Conversation:
    """A WAV file of several clips separated by silence, with ground-truth speech times."""

    path: Path
    segments: tuple[Segment, ...]
    duration: float
    sample_rate: int = SAMPLE_RATE


# (requirement, program or path that must exist, Debian package providing it)
_REQUIREMENTS: tuple[tuple[str, str, str], ...] = (
    ("sox", "sox", "sox"),
    ("finnish", "text2wave", "festival"),
    ("finnish", f"{FESTIVAL_VOICE_DIR}/suo_fi_lj_diphone", "festvox-suopuhe-lj"),
    ("finnish", f"{FESTIVAL_VOICE_DIR}/hy_fi_mv_diphone", "festvox-suopuhe-mv"),
    ("english", "espeak-ng", "espeak-ng"),
    ("librivox", f"{LIBRIVOX_DIR}/transcription", "pocketsphinx-testdata"),
)


def missing_requirements(*needs: str) -> list[str]:
    """Describe what is missing for ``needs`` ("finnish", "english", "librivox", "babble").

    Returns one line per missing program or file, naming its Debian package; empty when
    everything is installed. sox is always needed.
    """
    unknown = set(needs) - {"finnish", "english", "librivox", "babble"}
    if unknown:
        raise ValueError(f"unknown requirements {sorted(unknown)}")
    wanted = {"sox", *needs, *(["librivox"] if "babble" in needs else [])}
    return [
        f"{what} (Debian package {package})"
        for need, what, package in _REQUIREMENTS
        if need in wanted and not (Path(what).exists() if "/" in what else shutil.which(what))
    ]


def _require(*needs: str) -> None:
    missing = missing_requirements(*needs)
    if missing:
        raise SpeechToolMissing("missing: " + "; ".join(missing))


def cache_dir() -> Path:
    """Folder for cached clips; created on first use."""
    override = os.environ.get("DESK_TEST_CACHE_DIR")
    root = Path(override) if override else Path(__file__).resolve().parents[1] / ".test-cache"
    folder = root / "speech"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cache_key(*parts: object) -> str:
    text = "\x1f".join(str(part) for part in (RECIPE_VERSION, *parts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _run(command: Command) -> None:
    logger.debug("running %s", " ".join(map(str, command)))
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{Path(command[0]).name} failed with exit code {result.returncode}: "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``path`` that replaces it only when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _to_16k_mono(source: Path, out_path: Path, *effects: str) -> None:
    """Convert with sox to 16 kHz mono 16-bit WAV, atomically, without dither noise."""
    with _atomic(out_path) as tmp:
        rate = str(SAMPLE_RATE)
        _run(["sox", "-D", source, "-r", rate, "-c", "1", "-b", "16", "-t", "wav", tmp, *effects])


def _synthesize(
    cached: Path, out_path: Path | None, need: str, command: Callable[[Path, Path], Command]
) -> Path:
    """Make ``cached`` unless it exists: ``command(tmp_dir, raw_wav)`` then resampling.

    Returns ``cached``, or a copy of it at ``out_path`` when given.
    """
    if not cached.exists():
        _require(need)
        with tempfile.TemporaryDirectory(prefix="speech-") as tmp:
            raw = Path(tmp) / "raw.wav"
            _run(command(Path(tmp), raw))
            _to_16k_mono(raw, cached)
    if out_path is None:
        return cached
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, out_path)
    return Path(out_path)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV as float32 in [-1, 1), mixed down to mono; returns (samples, rate)."""
    with wave.open(str(path), "rb") as reader:
        if reader.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit PCM, got {8 * reader.getsampwidth()}-bit")
        channels, rate = reader.getnchannels(), reader.getframerate()
        data = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    samples = data.astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def write_wav(path: Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write float samples in [-1, 1] as 16-bit mono PCM WAV, atomically."""
    path = Path(path)
    pcm = np.clip(np.round(np.asarray(samples, dtype=np.float64) * 32768.0), -32768, 32767)
    with _atomic(path) as tmp, wave.open(str(tmp), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(pcm.astype("<i2").tobytes())
    return path


def rms_dbfs(samples: np.ndarray) -> float:
    """RMS level in dBFS (a full-scale sine is -3 dBFS); -120 for digital silence."""
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    return 20.0 * np.log10(rms) if rms > 1e-6 else -120.0


def at_level(samples: np.ndarray, level_dbfs: float) -> np.ndarray:
    """``samples`` scaled to ``level_dbfs`` RMS, as float32."""
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return (samples * (10.0 ** (level_dbfs / 20.0) / max(rms, 1e-12))).astype(np.float32)


def frame_levels_dbfs(samples: np.ndarray, sample_rate: int, frame_seconds: float) -> np.ndarray:
    """RMS level in dBFS of consecutive frames (a partial last frame is dropped)."""
    size = max(1, round(frame_seconds * sample_rate))
    frames = samples[: len(samples) // size * size].astype(np.float64).reshape(-1, size)
    rms = np.sqrt(np.mean(np.square(frames), axis=1))
    return 20.0 * np.log10(np.maximum(rms, 1e-6))


def _speech_samples(
    samples: np.ndarray, sample_rate: int, floor_dbfs: float, below_peak_db: float
) -> tuple[int, int] | None:
    levels = frame_levels_dbfs(samples, sample_rate, SPEECH_FRAME_SECONDS)
    if levels.size == 0:
        return None
    loud = np.flatnonzero(levels > max(floor_dbfs, float(levels.max()) - below_peak_db))
    if loud.size == 0:
        return None
    size = round(SPEECH_FRAME_SECONDS * sample_rate)
    return int(loud[0]) * size, (int(loud[-1]) + 1) * size


def speech_bounds(
    samples: np.ndarray,
    sample_rate: int = SAMPLE_RATE,
    *,
    floor_dbfs: float = SPEECH_FLOOR_DBFS,
    below_peak_db: float = SPEECH_BELOW_PEAK_DB,
) -> tuple[float, float] | None:
    """(start, end) of speech in seconds by an energy threshold, or None if there is none.

    A 10 ms frame counts as speech when its RMS is above both ``floor_dbfs`` and the
    loudest frame minus ``below_peak_db``; the result spans the first to the last such
    frame, so quiet pauses inside a sentence stay in. The floor sits above the noise of
    the LibriVox recordings and of the Festival mv voice's pauses.
    """
    bounds = _speech_samples(samples, sample_rate, floor_dbfs, below_peak_db)
    return None if bounds is None else (bounds[0] / sample_rate, bounds[1] / sample_rate)


def synthesize_finnish(text: str, voice: FinnishVoice = "lj", out_path: Path | None = None) -> Path:
    """Finnish speech from Festival; returns ``out_path`` or, when None, the cached file.

    Festival reads Latin-1, so ``text`` must only use Latin-1 characters (all Finnish
    letters do); anything else raises ValueError.
    """
    if voice not in FESTIVAL_VOICES:
        raise ValueError(f"unknown Finnish voice {voice!r}; use one of {sorted(FESTIVAL_VOICES)}")
    try:
        latin1 = text.encode("latin-1")
    except UnicodeEncodeError as error:
        bad = text[error.start : error.end]
        raise ValueError(f"Festival cannot read {bad!r} (not Latin-1) in {text!r}") from error
    cached = cache_dir() / f"fi-{voice}-{_cache_key('festival', voice, text)}.wav"

    def festival(tmp: Path, raw: Path) -> Command:
        logger.info("synthesising Finnish (%s): %s", voice, text)
        (tmp / "in.l1").write_bytes(latin1)
        return ["text2wave", "-eval", f"({FESTIVAL_VOICES[voice]})", tmp / "in.l1", "-o", raw]

    return _synthesize(cached, out_path, "finnish", festival)


def synthesize_english(text: str, out_path: Path | None = None, *, voice: str = "en-us") -> Path:
    """English speech from espeak-ng; returns ``out_path`` or, when None, the cached file.

    ``voice`` is any espeak-ng voice, with an optional variant (``en-gb-scotland``,
    ``en-us+f3``); another language's voice (``fr``, ``de``) reads the English text with
    that language's sounds, a strong foreign accent.
    """
    if not voice or any(ch.isspace() for ch in voice):
        raise ValueError(f"not an espeak-ng voice name: {voice!r}")
    cached = cache_dir() / f"en-espeak-{_cache_key('espeak-ng', voice, text)}.wav"

    def espeak(tmp: Path, raw: Path) -> Command:
        logger.info("synthesising English (%s): %s", voice, text)
        (tmp / "in.txt").write_text(text, encoding="utf-8")
        return ["espeak-ng", "-v", voice, "-b", "1", "-f", tmp / "in.txt", "-w", raw]

    return _synthesize(cached, out_path, "english", espeak)


def synthesize(text: str, lang: str, voice: str, out_path: Path | None = None) -> Path:
    """``text`` in ``lang`` (``fi``: a Festival voice, ``lj`` or ``mv``; ``en``: any
    espeak-ng voice); returns ``out_path`` or, when None, the cached file."""
    if lang == "fi":
        return synthesize_finnish(text, voice, out_path)  # type: ignore[arg-type]
    if lang == "en":
        return synthesize_english(text, out_path, voice=voice)
    raise ValueError(f"no test voice for language {lang!r}; use fi or en")


def librivox_clips() -> list[tuple[Path, str]]:
    """Real read English speech: (wav, lower-case reference text) for each LibriVox clip.

    The Debian files are 16 kHz mono 16-bit already, used in place; checked here anyway.
    """
    _require("librivox")
    clips: list[tuple[Path, str]] = []
    for line in (LIBRIVOX_DIR / "transcription").read_text(encoding="utf-8").splitlines():
        words, _, file_id = line.strip().rpartition("(")  # "<s> text </s> (file-id)"
        if not file_id:
            continue
        path = LIBRIVOX_DIR / f"{file_id.rstrip(')').strip()}.wav"
        with wave.open(str(path), "rb") as reader:
            shape = (reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
        if shape != (SAMPLE_RATE, 1, 2):
            raise ValueError(f"{path}: expected 16 kHz mono 16-bit, got {shape}")
        text = words.replace("<s>", " ").replace("</s>", " ")
        clips.append((path, " ".join(text.split())))
    return clips


def finnish_test_clips(out_dir: Path, mv_indices: tuple[int, ...]) -> list[tuple[Path, str]]:
    """(wav, text) for every ``FINNISH_SENTENCES`` entry in the ``lj`` voice, then those
    at ``mv_indices`` in the ``mv`` voice, written to ``out_dir``."""
    clips = [
        (synthesize_finnish(text, "lj", out_dir / f"fi-lj-{index:02d}.wav"), text)
        for index, text in enumerate(FINNISH_SENTENCES)
    ]
    for index in mv_indices:
        text = FINNISH_SENTENCES[index]
        clips.append((synthesize_finnish(text, "mv", out_dir / f"fi-mv-{index:02d}.wav"), text))
    return clips


def english_test_clips(out_dir: Path) -> list[tuple[Path, str]]:
    """(wav, text): the LibriVox recordings, then every ``ENGLISH_SENTENCES`` entry from
    espeak-ng written to ``out_dir``."""
    synthetic = [
        (synthesize_english(text, out_dir / f"en-espeak-{index:02d}.wav"), text)
        for index, text in enumerate(ENGLISH_SENTENCES)
    ]
    return [*librivox_clips(), *synthetic]


#: Audio kept around each clip's detected speech, so onsets and decays are not cut hard.
EDGE_PAD_SECONDS = 0.05


def build_conversation(
    clips: Sequence[tuple[Path, str, str]],
    gap_seconds: float | Sequence[float] = 1.5,
    lead_seconds: float = 1.0,
    tail_seconds: float = 2.0,
    *,
    out_path: Path,
) -> Conversation:
    """Join 16 kHz mono clips ``(wav, text, lang)`` into one WAV with silence between them.

    Each clip is trimmed to its speech (:func:`speech_bounds`) plus a short edge pad. The
    silences are measured between speech: the first speech starts at ``lead_seconds``,
    each next one ``gap_seconds`` after the previous speech ends, and the file ends
    ``tail_seconds`` after the last speech. ``gap_seconds`` may also give each gap on its
    own (one fewer than the clips). The returned segments carry those exact start/end
    times, the ground truth for segmentation tests and latency benchmarks.
    """
    if not clips:
        raise ValueError("build_conversation needs at least one clip")
    if isinstance(gap_seconds, int | float):
        gaps = [float(gap_seconds)] * (len(clips) - 1)
    else:
        gaps = [float(gap) for gap in gap_seconds]
        if len(gaps) != len(clips) - 1:
            raise ValueError(f"{len(clips)} clips need {len(clips) - 1} gaps, got {len(gaps)}")
    if min([*gaps, lead_seconds, tail_seconds]) < 0:
        raise ValueError("gap, lead and tail must not be negative")
    rate = SAMPLE_RATE
    pad = round(min([EDGE_PAD_SECONDS, *(g / 2 for g in gaps), lead_seconds, tail_seconds]) * rate)
    parts: list[np.ndarray] = []
    segments: list[Segment] = []
    cursor = 0  # samples written so far
    speech_end = 0
    for index, (path, text, lang) in enumerate(clips):
        samples, clip_rate = read_wav(Path(path))
        if clip_rate != rate:
            raise ValueError(f"{path}: {clip_rate} Hz, expected {rate} Hz (convert it first)")
        bounds = _speech_samples(samples, rate, SPEECH_FLOOR_DBFS, SPEECH_BELOW_PEAK_DB)
        if bounds is None:
            raise ValueError(f"{path}: no speech found")
        first, last = bounds
        lo, hi = max(0, first - pad), min(len(samples), last + pad)
        start = (
            round(lead_seconds * rate) if index == 0 else speech_end + round(gaps[index - 1] * rate)
        )
        silence = start - (first - lo) - cursor
        parts += [np.zeros(silence, dtype=np.float32), samples[lo:hi]]
        cursor += silence + (hi - lo)
        speech_end = start + (last - first)
        segments.append(Segment(start / rate, speech_end / rate, text, lang, Path(path)))
    total = speech_end + round(tail_seconds * rate)
    parts.append(np.zeros(total - cursor, dtype=np.float32))
    write_wav(out_path, np.concatenate(parts), rate)
    logger.debug("conversation of %d clips, %.1f s: %s", len(segments), total / rate, out_path)
    return Conversation(Path(out_path), tuple(segments), total / rate, rate)


#: Default RMS level of each noise kind, dBFS.
NOISE_LEVELS_DBFS = {
    "silence": -120.0,
    "low_noise": -50.0,
    "brown_noise": -45.0,
    "babble": -40.0,
    "desk_sounds": -30.0,
}


def _coloured_noise(count: int, rng: np.random.Generator, exponent: float) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent: 1 pink (-3 dB per octave), 2 brown."""
    spectrum = np.fft.rfft(rng.standard_normal(count))
    frequencies = np.fft.rfftfreq(count, 1.0 / SAMPLE_RATE)
    spectrum[1:] /= frequencies[1:] ** (exponent / 2)
    spectrum[0] = 0.0
    return np.fft.irfft(spectrum, count)


def _babble(count: int, rng: np.random.Generator, voices: int = 4) -> np.ndarray:
    """Reversed, low-passed LibriVox speech: ``voices`` talkers at random offsets.

    Four keep the syllable rhythm audible; many more would average into steady noise.
    """
    _require("babble")
    sources = []
    with tempfile.TemporaryDirectory(prefix="babble-") as tmp:
        for index, (path, _text) in enumerate(librivox_clips()):
            muffled = Path(tmp) / f"{index}.wav"
            _to_16k_mono(path, muffled, "reverse", "lowpass", "700", "lowpass", "700")
            sources.append(read_wav(muffled)[0])
    mix = np.zeros(count)
    for voice in range(voices):
        source = sources[voice % len(sources)]
        track = np.tile(source, count // len(source) + 2)
        offset = int(rng.integers(len(source)))
        mix += track[offset : offset + count]
    return mix


def _desk_sounds(count: int, rng: np.random.Generator) -> np.ndarray:
    """Short sounds of a desk, one at a time with quiet between them: knocks on the desk,
    a burst of typing, and voiced hums or throat-clearing of 0.15 to 0.3 s, which have
    the pitch of a voice and the length of a one-word answer."""
    out = np.zeros(count)
    position = int(rng.uniform(0.2, 0.6) * SAMPLE_RATE)
    while position < count:
        sound = rng.choice(["knock", "typing", "hum"])
        if sound == "knock":
            t = np.arange(int(0.25 * SAMPLE_RATE)) / SAMPLE_RATE
            tone = np.sin(2 * np.pi * rng.uniform(80, 300) * t) * np.exp(-t * rng.uniform(20, 60))
            piece = tone + 0.3 * rng.standard_normal(len(t)) * np.exp(-t * 80)
        elif sound == "typing":
            piece = np.zeros(int(rng.uniform(0.5, 1.5) * SAMPLE_RATE))
            key = 0
            while key < len(piece) - 300:
                piece[key : key + 300] += rng.standard_normal(300) * np.exp(-np.arange(300) / 40)
                key += int(rng.uniform(0.06, 0.3) * SAMPLE_RATE)
        else:
            t = np.arange(int(rng.uniform(0.15, 0.3) * SAMPLE_RATE)) / SAMPLE_RATE
            pitch = rng.uniform(100, 220)
            harmonics = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in range(1, 12))
            piece = harmonics * np.hanning(len(t))
        piece = piece[: count - position]
        out[position : position + len(piece)] += piece
        position += len(piece) + int(rng.uniform(0.3, 1.2) * SAMPLE_RATE)
    return out


def make_noise(
    kind: NoiseKind,
    seconds: float,
    out_path: Path,
    *,
    level_dbfs: float | None = None,
    seed: int = 0,
) -> Path:
    """Write ``seconds`` of 16 kHz noise that must not produce any text; deterministic per seed.

    * ``silence``: digital zeros, as from a muted microphone. Nothing may be detected and
      the level meter must show its floor.
    * ``low_noise``: pink noise at about -50 dBFS RMS, like a quiet office and a microphone's
      own hiss. Voice activity detection must stay off; a level meter shows it.
    * ``brown_noise``: noise with most of its power below a few hundred hertz, at about
      -45 dBFS RMS, like ventilation or traffic rumble.
    * ``babble``: several time-reversed, heavily low-passed real voices mixed at about
      -40 dBFS RMS, like murmur from the waiting room: speech-like spectrum and rhythm,
      but no words. VAD may fire; the recogniser must not invent text from it.
    * ``desk_sounds``: knocks, typing and short voiced hums with quiet between them, at
      about -30 dBFS RMS. The hums are as long as a one-word answer; VAD may fire on them.

    ``level_dbfs`` overrides the RMS level of every kind but ``silence``.
    """
    if kind not in NOISE_LEVELS_DBFS:
        raise ValueError(f"unknown noise kind {kind!r}; use one of {sorted(NOISE_LEVELS_DBFS)}")
    count = round(seconds * SAMPLE_RATE)
    rng = np.random.default_rng(seed)
    if kind == "silence" or count == 0:
        samples = np.zeros(count)
    else:
        exponents = {"low_noise": 1.0, "brown_noise": 2.0}
        if kind in exponents:
            samples = _coloured_noise(count, rng, exponents[kind])
        elif kind == "desk_sounds":
            samples = _desk_sounds(count, rng)
        else:
            samples = _babble(count, rng)
        target = NOISE_LEVELS_DBFS[kind] if level_dbfs is None else level_dbfs
        samples = at_level(samples, target)
    return write_wav(out_path, samples)
