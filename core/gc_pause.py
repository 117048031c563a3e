"""Python's cyclic garbage collector paused while WeasyPrint lays out a document.

WeasyPrint builds hundreds of thousands of small objects that live until the PDF is written; the cyclic collector
walks them again and again meanwhile (a fifth to a half of a long render). The collector is process-wide and a
gunicorn worker runs several threads: the first render to start pauses it, the last one to end resumes it (if it was
on before), and the document's garbage is freed then. Meanwhile other threads' requests run without cyclic
collection; reference counting still frees nearly everything they allocate. One counter for every kind of document
(berita acara, Renja document), so that one render ending never resumes the collector under another.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Renders in progress in this process, and whether the collector was on before the first of them paused it.
_pause_lock = threading.Lock()
_renders_pausing = 0
_collector_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _renders_pausing, _collector_was_enabled
    with _pause_lock:
        if _renders_pausing == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _renders_pausing += 1
    try:
        yield
    finally:
        with _pause_lock:
            _renders_pausing -= 1
            if _renders_pausing == 0 and _collector_was_enabled:
                gc.enable()
