"""A third-party plugin living outside the package: a median stage and a line-by-line engine."""

from __future__ import annotations

import cv2
import numpy as np
import pytesseract

from ocrprep import Param, Recognition, RecognizeOptions, Stage, hookimpl

__version__ = "0.9"


def median(image: np.ndarray, size: int = 3) -> np.ndarray:
    """Median filter over a ``size`` square: softens salt-and-pepper noise."""
    return cv2.medianBlur(image, size)


@hookimpl
def preprocess_stages():
    return [
        Stage(
            "median", median, "Median filter.", (Param("size", int, 3, "window side", "px", choices=(3, 5)),)
        )
    ]


@hookimpl
def recognize(image: np.ndarray, dpi: int | None, options: RecognizeOptions):
    if options.engine != "oneline":
        return None
    text = pytesseract.image_to_string(image, config="--psm 7").strip()
    return Recognition(text, None, (), "oneline")
