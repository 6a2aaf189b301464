"""Desk interpreter core: audio in, speech segmentation, streaming recognition, events.

This package never imports Qt; the windows in ``ui`` subscribe to its events.
"""

__version__ = "0.1.0"
