"""Speech output: the final translation of each utterance, spoken in the listener's language.

Qt-free. :mod:`engines` (espeak-ng, Festival) and :mod:`piper` (neural voices) turn text
into samples; :mod:`voices` picks the best engine a language has on this machine;
:mod:`player` plays samples on an output device; :mod:`gate` keeps the recogniser from
transcribing what the app itself says; :mod:`output` ties them together as a consumer of
translation events, synthesising sentence by sentence on its own threads; :mod:`commands`
is ``interpreter say`` and ``listen --speak``.
"""
