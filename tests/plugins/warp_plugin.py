"""Geometry stages for the coordinate tests: a crop and a small rotation, each saying what it did."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ocrprep import Param, Scan, Stage, Warped, hookimpl


def trim(scan: Scan, margin: int = 10) -> np.ndarray | Warped:
    """Cut ``margin`` pixels off every side."""
    if margin == 0:
        return scan.pixels.copy()
    return Warped.crop(scan.pixels[margin:-margin, margin:-margin].copy(), margin, margin)


def turn(scan: Scan, angle: float = 2.0) -> Warped:
    """Turn the page ``angle`` degrees counter-clockwise about its centre, white corners."""
    height, width = scan.pixels.shape
    matrix = cv2.getRotationMatrix2D(((width - 1) / 2, (height - 1) / 2), angle, 1.0)
    turned = cv2.warpAffine(scan.pixels, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    return Warped.affine(turned, matrix)


@hookimpl
def preprocess_stages() -> Sequence[Stage]:
    return [
        Stage(
            "trim",
            trim,
            "Cut the margins off.",
            (Param("margin", int, "pixels cut per side", "px", minimum=0),),
        ),
        Stage(
            "turn",
            turn,
            "Turn the page.",
            (Param("angle", float, "degrees", "degrees", minimum=-10, maximum=10),),
        ),
    ]
