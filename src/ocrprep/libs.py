"""The heavy libraries, each imported the first time one of its names is used.

``ocrprep --version``, ``--help``, ``stages`` and ``plugins`` need none of them, and a script that runs
ocrprep once per file should not pay a second for numpy, OpenCV, SciPy and scikit-image each time
(``bench/bench_limits.py`` measures the start-up). Modules take them from here, ``from .libs import np``,
and so must not touch them at import time: no module-level arrays, no ``np`` in evaluated annotations.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING

import lazy_loader


def _submodule(name: str) -> ModuleType:
    """A lazy submodule, set on its package as an import would do, so that other libraries' own
    ``import PIL.Image; PIL.Image`` finds it."""
    module: ModuleType = lazy_loader.load(name, suppress_warning=True)
    package, _, child = name.rpartition(".")
    setattr(sys.modules[package], child, module)
    return module


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
    cv2 = lazy_loader.load("cv2")
    np = lazy_loader.load("numpy")
    pytesseract = lazy_loader.load("pytesseract")
    Image, ImageOps = _submodule("PIL.Image"), _submodule("PIL.ImageOps")
    rapidfuzz = lazy_loader.load("rapidfuzz")
    # RapidFuzz, SciPy and scikit-image import their subpackages on first use themselves.
    scipy = lazy_loader.load("scipy")
    skimage = lazy_loader.load("skimage")

__all__ = ["Image", "ImageOps", "cv2", "np", "pytesseract", "rapidfuzz", "scipy", "skimage"]
