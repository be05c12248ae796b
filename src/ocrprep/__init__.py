"""ocrprep: clean scanned images before Tesseract reads them, and measure how much it helps.

The public API: :func:`clean`, :func:`recognize`, :func:`compare`, and for plugin authors
:data:`hookimpl` and the types of ``ocrprep.types``: :class:`Stage`, :class:`Param`, :class:`Size`,
:class:`Scan`, :class:`Warped`, :class:`Engine`, :class:`Recognition`, :class:`Word` and
:class:`RecognizeOptions`; :class:`TextOptions` says how texts are normalised before scoring.
The ``ocrprep`` command is a thin layer over these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

__version__ = "0.1.0"

# Each name is imported on first use, so that ``import ocrprep`` (and the command line's --help) does
# not load the libraries behind the whole API.
__getattr__, __dir__, _ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "api": ["clean", "compare", "recognize"],
        "comparison": ["Report"],
        "hookspecs": ["hookimpl"],
        "metrics": ["TextOptions"],
        "types": [
            "Engine",
            "Param",
            "Recognition",
            "RecognizeOptions",
            "Scan",
            "Size",
            "Stage",
            "Warped",
            "Word",
        ],
    },
)

if TYPE_CHECKING:
    from .api import clean, compare, recognize
    from .comparison import Report
    from .hookspecs import hookimpl
    from .metrics import TextOptions
    from .types import Engine, Param, Recognition, RecognizeOptions, Scan, Size, Stage, Warped, Word

__all__ = [
    "Engine",
    "Param",
    "Recognition",
    "RecognizeOptions",
    "Report",
    "Scan",
    "Size",
    "Stage",
    "TextOptions",
    "Warped",
    "Word",
    "clean",
    "compare",
    "hookimpl",
    "recognize",
]
