"""A third-party plugin living outside the package: a median stage and a line-by-line engine."""

from __future__ import annotations

import cv2
import numpy as np
import pytesseract

from ocrprep import Engine, Param, Recognition, RecognizeOptions, Scan, Stage, hookimpl

__version__ = "0.9"


def median(scan: Scan, size: int = 3) -> np.ndarray:
    """Median filter over a ``size`` square: softens salt-and-pepper noise."""
    return cv2.medianBlur(scan.pixels, size)


def read_line(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> Recognition:
    """One line of text, no word boxes."""
    text = pytesseract.image_to_string(image, config="--psm 7").strip()
    return Recognition(text, None, (), "oneline")


@hookimpl
def preprocess_stages():
    return [
        Stage("median", median, "Median filter.", (Param("size", int, "window side", "px", choices=(3, 5)),))
    ]


@hookimpl
def recognize_engines():
    return [Engine("oneline", read_line, "Tesseract on one line, text only.")]
