"""Phrase sets: files of phrases with reference translations, run through the desk's own
pipeline (text or speech) and scored for quality and speed.

Modules: ``format`` (the file format and validation), ``runner`` (running a set; audio
mode in ``audio_mode``), ``results`` (results and their JSON), ``metrics`` (chrF, BLEU,
WER, CER, glossary terms, latency), ``ratings`` (a tester's own judgement), ``report``
(HTML, CSV), ``compare`` (two runs side by side), ``tts`` (speech for phrases without
audio), ``machine`` (what a run ran on), ``commands`` (``interpreter phrases``). Qt-free;
importing the package is cheap. See ``docs/phrase-sets.md``.
"""
