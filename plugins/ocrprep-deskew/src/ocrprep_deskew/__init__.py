"""ocrprep-deskew: straighten a page whose text lines are tilted, by the angle of the lines.

The stage ``deskew`` estimates the tilt from the ink with a projection-profile search: for each
candidate angle it projects the ink pixels onto the axis across the lines and scores how sharply they
bunch into rows; the lines are straight at the sharpest angle. It then rotates the page back about
its centre, keeping its size: corners that rotate in are white paper, ink that rotates out past the
edge is cut.

Use it first, before ``threshold`` (``deskew | threshold(160) | ...``), or anywhere: a page that is
only black and white stays only black and white.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ocrprep import Param, Scan, Stage, Warped, hookimpl

__version__ = "0.1.0"
__all__ = ["STAGE", "deskew", "estimate_skew", "preprocess_stages", "rotate", "rotation"]

MAX_SAMPLES = 200_000
"""Ink pixels scored at each angle; a larger page is sampled evenly down to this many."""
COARSE_STEP = 0.5
FINE_STEP = 0.05
"""Degrees between the angles tried: first over the whole range, then around the best one."""


def estimate_skew(image: np.ndarray, max_angle: float = 10.0) -> float:
    """The angle of the text lines in degrees, counter-clockwise positive, within ``±max_angle``.

    Ink is what Otsu's level calls dark. A page without ink, or whose ink has no direction (a single
    dot, a uniform image), gives 0.0; where angles score the same the one nearest 0 wins. The angle is
    found to ``FINE_STEP`` degrees.

    >>> page = np.full((60, 200), 255, np.uint8); page[30:33, 20:180] = 0
    >>> estimate_skew(page)
    0.0
    """
    ys, xs = _ink(image)
    if len(ys) < 2:
        return 0.0
    coarse = _candidates(0.0, max_angle, COARSE_STEP, max_angle)
    best = _best(ys, xs, coarse)
    fine = _candidates(best, COARSE_STEP, FINE_STEP, max_angle)
    return round(_best(ys, xs, fine), 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    """``image`` turned ``angle`` degrees counter-clockwise about its centre, same size, white corners.

    Bilinear; an image that holds only 0 and 255 is made 0 and 255 again (at mid-gray).
    """
    height, width = image.shape
    matrix = rotation(image.shape, angle)
    turned = cv2.warpAffine(
        np.ascontiguousarray(image),
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    if _is_binary(image):
        return np.where(turned < 128, 0, 255).astype(np.uint8)
    return turned


def rotation(shape: tuple[int, ...], angle: float) -> np.ndarray:
    """The 2x3 matrix (for ``cv2.warpAffine``) turning an image of ``shape`` about its centre."""
    height, width = shape[:2]
    matrix: np.ndarray = cv2.getRotationMatrix2D(((width - 1) / 2, (height - 1) / 2), angle, 1.0)
    return matrix


def deskew(scan: Scan, max_angle: float = 10.0, min_angle: float = 0.1) -> np.ndarray | Warped:
    """Rotate the page so that its text lines run level.

    Tilts up to ``max_angle`` degrees either way are looked for; a tilt smaller than ``min_angle``
    degrees is left alone (a copy is returned), since rotating by a hair only softens the strokes.
    The rotation is returned as :class:`ocrprep.Warped`, so word boxes map back to the tilted input.
    """
    angle = estimate_skew(scan.pixels, max_angle)
    if abs(angle) < min_angle or angle == 0.0:
        return scan.pixels.copy()
    return Warped.affine(rotate(scan.pixels, -angle), rotation(scan.pixels.shape, -angle))


STAGE = Stage(
    "deskew",
    deskew,
    "Rotate the page so that its text lines run level (projection-profile search).",
    (
        Param(
            "max_angle",
            float,
            "largest tilt looked for, either way",
            "degrees",
            minimum=0.0,
            maximum=45.0,
        ),
        Param("min_angle", float, "smaller tilts are left alone", "degrees", minimum=0.0, maximum=45.0),
    ),
)


@hookimpl
def preprocess_stages() -> Sequence[Stage]:
    """The deskew stage."""
    return [STAGE]


def _ink(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the ink pixels, centred on the page, evenly sampled to ``MAX_SAMPLES``."""
    if image.size == 0 or image.min() == image.max():
        empty = np.empty(0, np.float64)
        return empty, empty
    level, _ = cv2.threshold(np.ascontiguousarray(image), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    ys, xs = np.nonzero(image <= level)
    step = max(1, len(ys) // MAX_SAMPLES)
    height, width = image.shape
    return ys[::step] - (height - 1) / 2, xs[::step] - (width - 1) / 2


def _candidates(centre: float, half_width: float, step: float, limit: float) -> np.ndarray:
    """Angles ``centre ± half_width`` every ``step``, within ``±limit``, nearest ``centre`` first."""
    count = round(half_width / step)
    offsets = np.arange(-count, count + 1) * step
    angles = np.unique(np.clip(centre + offsets, -limit, limit).round(6))
    return angles[np.argsort(np.abs(angles), kind="stable")]


def _best(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> float:
    """The angle whose projection across the lines is sharpest: the largest sum of squared counts."""
    scores = []
    for angle in angles:
        theta = np.deg2rad(angle)
        rows = np.floor(ys * np.cos(theta) + xs * np.sin(theta)).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        scores.append(float(np.dot(counts, counts)))
    return float(angles[int(np.argmax(scores))])


def _is_binary(image: np.ndarray) -> bool:
    return bool(np.isin(image, (0, 255)).all())
