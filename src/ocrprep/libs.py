"""The heavy libraries, each imported the first time one of its names is used.

``ocrprep --version``, ``--help``, ``stages`` and ``plugins`` need none of them, and a script that runs
ocrprep once per file should not pay a second for numpy, OpenCV, SciPy and scikit-image each time
(``bench/bench_limits.py`` measures the start-up). Modules take them from here, ``from .libs import np``,
and so must not touch them at import time: no module-level arrays, no ``np`` in evaluated annotations.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any


class _Lazy:
    """A module imported on the first use of one of its names.

    Not ``importlib.util.LazyLoader`` (what ``lazy_loader.load`` uses): on Python 3.11 a second thread
    sees its module while the first still runs it, and fails with "module 'cv2' has no attribute
    'norm'", as OCRmyPDF's worker threads did. ``importlib.import_module`` makes such threads wait.
    """

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


if TYPE_CHECKING:
    import cv2
    import numpy as np
    import pytesseract
    import rapidfuzz.distance
    import scipy.spatial
    import skimage.filters
    import skimage.morphology
    from PIL import Image, ImageOps
else:
    cv2, np, pytesseract = _Lazy("cv2"), _Lazy("numpy"), _Lazy("pytesseract")
    Image, ImageOps = _Lazy("PIL.Image"), _Lazy("PIL.ImageOps")
    # RapidFuzz, SciPy and scikit-image import their subpackages on first use themselves.
    rapidfuzz, scipy, skimage = _Lazy("rapidfuzz"), _Lazy("scipy"), _Lazy("skimage")

__all__ = ["Image", "ImageOps", "cv2", "np", "pytesseract", "rapidfuzz", "scipy", "skimage"]
