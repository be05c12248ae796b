"""The built-in cleanup stages: grayscale, threshold, opening, remove-specks.

Every stage is a pure function over a 2-D ``uint8`` image where 0 is ink and 255 is paper: it never
changes its input and returns a new image of the same shape. Stages that look for ink (``opening``,
``remove-specks``) count every pixel darker than mid-gray (below 128) as ink, so they belong after a
``threshold``.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from skimage.filters import threshold_sauvola
from skimage.morphology import disk

from ..hookspecs import hookimpl
from ..images import to_gray
from ..pipeline import Param, Stage

INK_BELOW = 128
"""Pixels darker than this are ink for the stages that look for ink."""


def grayscale(image: np.ndarray) -> np.ndarray:
    """Any image as 2-D ``uint8`` gray: RGB by luma, alpha composited on white, 16-bit scaled down."""
    gray = to_gray(image)
    return gray.copy() if gray is image else gray


def threshold(
    image: np.ndarray, value: int = 160, method: str = "fixed", window: int = 25, k: float = 0.2
) -> np.ndarray:
    """Make every pixel exactly ink (0) or paper (255).

    ``fixed``: pixels at or below ``value`` become ink, brighter ones paper (so no pixel stays gray,
    not even one equal to ``value``). ``otsu``: one global level chosen from the histogram.
    ``sauvola``: a local level from the mean and spread in a ``window``-pixel square (made odd),
    ``k`` weighting the spread. A uniform image is mapped by ``value`` whatever the method.
    """
    if method == "fixed" or image.min() == image.max():
        level: np.ndarray | float = value
    elif method == "otsu":
        level, _ = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    else:
        level = threshold_sauvola(image, window_size=window | 1, k=k)
    return np.where(image <= level, 0, 255).astype(np.uint8)


def opening(image: np.ndarray, radius: int = 1) -> np.ndarray:
    """Morphological opening of the dark ink with a disk of ``radius`` pixels.

    Removes ink thinner than ``2 * radius + 1`` pixels (specks, hairlines), so the radius must stay
    below half the stroke width of the text. ``radius`` 0 returns a copy.
    """
    if radius == 0:
        return image.copy()
    kernel = disk(radius).astype(np.uint8)
    # Opening the dark ink is closing the bright paper.
    return cv2.morphologyEx(image, cv2.MORPH_CLOSE, kernel)


def remove_specks(image: np.ndarray, min_size: int = 100, connectivity: int = 8) -> np.ndarray:
    """Paint white every connected ink component of fewer than ``min_size`` pixels.

    The limit is exclusive: a component of exactly ``min_size`` pixels is kept. Every component is
    judged, in one vectorised pass. ``connectivity`` 4 joins pixels sharing an edge, 8 also corners.
    """
    ink = (image < INK_BELOW).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=connectivity)
    small = stats[:, cv2.CC_STAT_AREA] < min_size
    small[0] = False  # label 0 is the paper
    cleaned = image.copy()
    cleaned[small[labels]] = 255
    return cleaned


STAGES = (
    Stage("grayscale", grayscale, "Convert any image (RGB, alpha, palette, 16-bit) to 8-bit gray."),
    Stage(
        "threshold",
        threshold,
        "Binarise: every pixel becomes ink (0) or paper (255).",
        (
            Param(
                "value",
                int,
                160,
                "fixed: pixels at or below this are ink",
                "gray level",
                minimum=0,
                maximum=255,
            ),
            Param(
                "method",
                str,
                "fixed",
                "how the level is chosen",
                choices=("fixed", "otsu", "sauvola"),
            ),
            Param("window", int, 25, "sauvola: side of the local window", "px", minimum=3),
            Param("k", float, 0.2, "sauvola: weight of the local spread", minimum=0.0, maximum=1.0),
        ),
    ),
    Stage(
        "opening",
        opening,
        "Remove ink thinner than a disk: specks and hairlines below the stroke width.",
        (
            Param(
                "radius",
                int,
                1,
                "disk radius; removes ink thinner than 2*radius+1",
                "px",
                minimum=0,
            ),
        ),
    ),
    Stage(
        "remove-specks",
        remove_specks,
        "Drop connected ink components of fewer than min_size pixels (exactly min_size is kept).",
        (
            Param("min_size", int, 100, "smallest component kept", "px (area)", minimum=0),
            Param("connectivity", int, 8, "4: edge neighbours; 8: also corners", choices=(4, 8)),
        ),
    ),
)


@hookimpl
def preprocess_stages() -> Sequence[Stage]:
    """The despeckle stages."""
    return STAGES
