"""The built-in stages that change a page's geometry: ``rescale``.

A geometry stage returns :class:`~ocrprep.types.Warped` pixels; the host then adjusts the DPI and
keeps the way back to the input file's pixels, so word boxes read from the result are reported in
the coordinates of the file the user gave.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..hookspecs import hookimpl
from ..libs import cv2, np
from ..types import Param, Scan, Stage, Warped

TARGET_CHAR_HEIGHT = 30.0
"""The measured character height (px) that ``rescale(auto)`` brings text to.

Tesseract's documentation puts the floor at an x-height of about 10 px ("very little chance" below
it; 20 px is typical at 10 pt and 300 DPI), and its LSTM models read text lines normalised to 36 px
high; its developers report the best results with capitals about 30 px tall. The measured character
height lies between the x-height and the cap height. See bench/README.md for the measurement.
"""
KEEP_BAND = (0.8, 1.25)
"""``auto`` leaves the page as it is when the factor falls in this range: resampling costs more."""
FACTOR_RANGE = (0.125, 8.0)
"""The factors ``rescale`` accepts; ``auto`` stays inside it too."""
MAX_SIDE = 32_767
"""Tesseract reads at most this many pixels a side: no factor makes a page larger."""


def factor(value: object) -> float | str:
    """A scale factor as the user writes it: ``auto``, or a number from 0.125 to 8."""
    if isinstance(value, str) and value.strip().strip("'\"").lower() == "auto":
        return "auto"
    if isinstance(value, bool):
        raise TypeError(value)
    number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    low, high = FACTOR_RANGE
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(f"a factor from {low:g} to {high:g}, got {value!r}")
    return number


def rescale(scan: Scan, factor: float | str = "auto", shrink: str = "true") -> np.ndarray | Warped:
    """Resize the page by ``factor``: area averaging to shrink, bicubic to enlarge.

    ``auto`` scales so that the measured character height becomes ``TARGET_CHAR_HEIGHT`` pixels,
    within ``FACTOR_RANGE``; a page without measurable text, or whose factor falls within
    ``KEEP_BAND``, is returned unchanged, and so is one ``auto`` would shrink when ``shrink`` is
    ``false`` (large distorted captcha digits read worse shrunk, while small print reads better
    enlarged). No factor makes a side longer than ``MAX_SIDE``. The DPI is
    scaled with the pixels, so the page keeps its physical size.
    """
    height, width = scan.pixels.shape
    if factor == "auto":
        measured = scan.overview.char_height
        if measured is None:
            return scan.pixels.copy()
        wanted = TARGET_CHAR_HEIGHT / measured
        if KEEP_BAND[0] <= wanted <= KEEP_BAND[1] or (shrink == "false" and wanted < 1):
            return scan.pixels.copy()
        wanted = min(max(wanted, FACTOR_RANGE[0]), FACTOR_RANGE[1])
    else:
        wanted = float(factor)
    wanted = min(wanted, MAX_SIDE / max(width, height))
    size = (max(1, round(width * wanted)), max(1, round(height * wanted)))
    if size == (width, height):
        return scan.pixels.copy()
    method = cv2.INTER_AREA if wanted < 1 else cv2.INTER_CUBIC
    resized = cv2.resize(scan.pixels, size, interpolation=method)
    return Warped.scale(resized, size[0] / width, size[1] / height)


STAGES = (
    Stage(
        "rescale",
        rescale,
        "Resize the page; auto: text brought to the size Tesseract reads best.",
        (
            Param(
                "factor",
                factor,
                f"how much larger; auto: characters {TARGET_CHAR_HEIGHT:g} px high",
                "times, 0.125 to 8, or auto",
            ),
            Param("shrink", str, "auto: whether it may make the page smaller", choices=("true", "false")),
        ),
    ),
)


@hookimpl
def preprocess_stages() -> Sequence[Stage]:
    """The geometry stages."""
    return STAGES
