"""The built-in cleanup stages: grayscale, invert, remove-border, remove-impulse, normalize-background,
stretch-contrast, threshold, join-dots, remove-lines, opening, remove-off-line, remove-specks.

Every stage is a pure function of a :class:`~ocrprep.types.Scan` (a read-only 2-D ``uint8`` image
where 0 is ink and 255 is paper, its DPI and its measurement) that returns a new image of the same
shape. Stages that look for ink (``join-dots``,
``opening``, ``remove-specks``) count every pixel darker than mid-gray (below 128) as ink, so they
belong after a ``threshold``; with an ``auto`` size they split ink from paper at Otsu's level
instead (the same on a thresholded image), so they also work on gray images.

Sizes are :class:`Size` values: pixels (``3`` or ``3px``), points at the image's resolution
(``0.5pt``; 300 DPI is assumed when the file does not say), or ``auto``: derived from the text's
stroke width and character height in ``scan.measure``, which is measured once and shared by every
stage that sees the same pixels.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import TypeAlias

from ..hookspecs import hookimpl
from ..libs import cv2, np, skimage
from ..measure import (
    HEAVILY_SPECKLED,
    PEN_DAB,
    SOLID,
    SPECKLED,
    Components,
    ScanMeasure,
    components,
    disk_kernel,
    glyph_like,
    join_gaps,
    row_bands,
    text_line_rows,
)
from ..types import Param, Scan, Size, Stage

INK_BELOW = 128
"""Pixels darker than this are ink for the stages that look for ink."""
THINNEST = 0.7
"""The thinnest strokes of a font (crossbars, joins) are this share of its stems or more."""
THIN_GLYPHS, GLYPH_LOSS = 0.15, 0.2
"""``opening(auto)`` stays off when ``THIN_GLYPHS`` of the glyphs are no thicker than what it
removes (faint or thinned print beside bold: office prints), or when it would take ``GLYPH_LOSS``
of the glyphs' ink (outlined letters): it would be erasing text, not specks. At 0.1 the hairs
drawn through a speckled sample line (3 of 23 glyph-like marks) already turned it off."""
THIN_GLYPH = 1.5
"""``opening(auto)`` puts back the glyphs of the text no thicker than this many disk diameters, as
they were: faint print beside bold, which it would erase (dev office prints 0.179 -> 0.176)."""
NOT_PAPER, NOT_PAPER_SHARE = 0.3, 0.01
"""Where ``normalize-background`` finds the paper darker than ``NOT_PAPER`` of the page's paper, it
is no paper: a black scan margin, a dark band behind light text. Dividing by it made noise into
grain and light text into white on speckled gray, so a page with more than ``NOT_PAPER_SHARE`` of
such pixels is left as it is (shadows in phone photos stay lighter than that)."""
INK_BELOW_PAPER, INK_BLACK, FAINT, MIN_INK_SHARE, MIN_TEXT_HEIGHT = 0.85, 0.4, 64, 0.002, 6
"""``stretch-contrast``: ink is darker than ``INK_BELOW_PAPER`` of the paper's level, and its
darkest ``INK_BLACK`` is made black; print is faint when that level is lighter than ``FAINT``; a
page needs ``MIN_INK_SHARE`` of ink, and light ink around text under ``MIN_TEXT_HEIGHT`` px is
grain (see ``_grain``). The median (0.5) read blurred, dot-matrix and small text a little better
still, and noisy phone photos and shadowed outlines worse (dev split)."""
IMPULSE_SHARE, IMPULSE_DENSITY = 0.1, 0.005
"""``remove-impulse(auto)`` acts when lone pixels are more than ``IMPULSE_SHARE`` of the ink and
``IMPULSE_DENSITY`` of the pixels in most of the page (2-8 % salt and pepper: 0.013 and more; clean,
thin, faded, small and office print: 0.003 and less)."""
LINE_LENGTH, LINE_SLOPE, LINE_STEP = 1.5, 40.0, 4.0
"""``remove-lines`` takes ink along which a straight segment ``LINE_LENGTH`` character heights long
fits, at slopes up to ``LINE_SLOPE`` degrees in steps of ``LINE_STEP`` (a thin line between two
steps still holds a segment ``LINE_STEP / 2`` degrees off)."""
LINE_SPAN = 3.0
"""A line spans at least this many character heights: where blurred or crowded letters touch, a
segment ``LINE_LENGTH`` long fits along them too, but they end sooner."""
LINE_WIDTH = 0.3
"""... and is on average thinner than this share of a character height."""
LINE_ALONE = 0.1
"""... and has no other ink within half a character height across it along this share of it."""
RULE_LENGTH = 3.0
"""Vertical rules are at least this many character heights long (glyphs with ascenders and
descenders, brackets and bars reach about 1.6)."""
DASH_RUN, DASH_GAP, DASH_DRIFT = 6, 0.8, 0.25
"""A dashed rule (a receipt's ``-------`` or ``=======`` separator) is ``DASH_RUN`` or more flat
marks in a row, each within ``DASH_GAP`` character heights of the next and ``DASH_DRIFT`` of its
height; hyphens in text stand alone or between words. Tesseract reads a separator as a row of
letters and symbols (SROIE receipts: CER 0.142 -> 0.127 with them gone)."""
BLOB = 2.0
"""A round mark this many times thicker than the text's strokes is a blob, not punctuation."""
BLOTTED = 0.01
"""A page with more blobs off its lines than this per glyph is blotted (dust, ink drops)."""

SizeSpec: TypeAlias = "Size | float | str"
"""What stage functions accept as a size: a Size, a number of pixels, or text such as ``"0.5pt"``."""
Box: TypeAlias = "tuple[int, int, int, int]"
"""A box of pixels: top, left, bottom, right (the last two past its end)."""
BandMask: TypeAlias = "Callable[[slice], np.ndarray]"
"""A page-sized mask given band by band: called with a slice of rows, the mask of those rows."""


def grayscale(scan: Scan) -> np.ndarray:
    """The page in 8-bit gray, as every stage gets it: the host converts any image before the first
    stage (RGB by luma, alpha composited on white, 16-bit scaled down), so this returns a copy.
    """
    return scan.pixels.copy()


def invert(scan: Scan, mode: str = "auto") -> np.ndarray:
    """Make light text on a dark background dark on light.

    ``auto`` inverts only when the page's overview finds light text on a dark background
    (:attr:`ocrprep.Scan.inverted`); ``true`` always inverts, ``false`` never does.
    """
    if mode == "true" or (mode == "auto" and scan.inverted):
        return 255 - scan.pixels
    return scan.pixels.copy()


def remove_impulse(scan: Scan, mode: str = "auto") -> np.ndarray:
    """Remove impulse noise: single dark pixels on the paper and single light pixels in the strokes.

    Ink and paper are split at Otsu's level. A pixel is an impulse when at most one of its eight
    neighbours is on its side (a lone pixel or a pair); it takes the median of its 3x3
    neighbourhood. A stroke one pixel wide keeps two neighbours along it, so it stays, unlike under a
    plain median; only the last pixel of its ends goes. ``auto`` acts when impulses are common all
    over the page (salt-and-pepper noise, fax and photocopy grain: see :func:`_grainy`), so clean
    pages, thin print and dithered shadows are left as they are; ``true`` always acts, ``false``
    never.
    """
    image = scan.pixels
    if mode == "false" or image.size == 0 or image.min() == image.max():
        return image.copy()
    ink = scan.ink  # measured once: the stages after share it when nothing changes
    # One uint8 image codes each pixel as 16 x its side (ink 1, paper 0) + its ink neighbours; a
    # table then marks the impulses, without a page-sized mask per comparison.
    kernel = np.array(_CODE_KERNEL, np.float32)
    code = cv2.filter2D(ink.view(np.uint8), cv2.CV_8U, kernel, borderType=cv2.BORDER_REPLICATE)
    impulse = cv2.LUT(code, np.array(_IMPULSE, np.uint8), dst=code).view(bool)
    if mode == "auto" and not _grainy(impulse, ink):
        return image.copy()
    result = image.copy()
    for top, bottom, above, below in row_bands(image.shape, 1):
        median = cv2.medianBlur(image[above:below], 3)[top - above : bottom - above]
        cv2.copyTo(median, impulse[top:bottom].view(np.uint8), result[top:bottom])
    return result


def _grainy(impulse: np.ndarray, ink: np.ndarray) -> bool:
    """Whether lone pixels are common (``IMPULSE_SHARE`` of the ink) and spread over the page: in
    most tiles of an 8x8 grid more than ``IMPULSE_DENSITY`` of the pixels. A dithered shadow in one
    corner has as many, but only there, and reads worse with them removed."""
    if np.count_nonzero(impulse) <= IMPULSE_SHARE * (np.count_nonzero(ink) or 1):
        return False
    edges = [itertools.pairwise(np.linspace(0, side, 9).round().astype(int)) for side in impulse.shape]
    tiles = [impulse[top:bottom, left:right].mean() if bottom > top and right > left else 0.0
             for (top, bottom), (left, right) in itertools.product(*edges)]  # fmt: skip
    return bool(np.median(tiles) > IMPULSE_DENSITY)


_CODE_KERNEL = ((1, 1, 1), (1, 16, 1), (1, 1, 1))
"""16 x a pixel's own ink plus its eight neighbours' (see remove-impulse)."""
_IMPULSE = tuple(1 if 7 <= code < 16 or 16 <= code <= 17 else 0 for code in range(256))
"""Impulse or not, by that code: paper with at most one paper neighbour, ink with at most one ink one."""


def normalize_background(scan: Scan, size: SizeSpec = "auto") -> np.ndarray:
    """Even out uneven lighting (shadows, yellowed or gray paper): divide by the paper's brightness.

    The paper's brightness is estimated everywhere by a morphological closing (a local maximum
    followed by a local minimum) with a disk of ``size`` pixels, which wipes out dark strokes
    narrower than the disk. ``auto``: twice the measured character height, so whole glyphs vanish
    from the estimate. Paper becomes white and ink keeps its contrast to the paper around it. A
    page with areas far darker than its paper (black margins, dark bands: ``NOT_PAPER``) is left
    as it is. Dark
    text on light paper is expected; put ``invert`` first for light text. An image without
    measurable text (with ``auto``) is returned unchanged.
    """
    image = scan.pixels
    if image.size == 0 or image.min() == image.max() or _black_and_white(image):
        return image.copy()
    size = Size(size)
    height = scan.overview.char_height if size.is_auto else None
    if size.is_auto and height is None:
        return image.copy()
    diameter = round(size.pixels(scan.dpi, 2 * (height or 0.0)))
    if diameter < 3:
        return image.copy()
    paper = np.maximum(_paper_brightness(image, diameter), 1)
    if _share_not_paper(paper) > NOT_PAPER_SHARE:
        return image.copy()
    result: np.ndarray = cv2.divide(image, paper, scale=255)
    return result


def stretch_contrast(scan: Scan, mode: str = "auto") -> np.ndarray:
    """Darken faint print: stretch the gray levels linearly so that the darkest part of the ink
    (``INK_BLACK`` of it) becomes black and the paper white.

    The paper is the page's median level; the ink, the pixels darker than ``INK_BELOW_PAPER`` of
    it. Faint, blurred or gray print is where Tesseract's LSTM reads the gray page worse, and where
    its global (Otsu) threshold sides with a few black marks (a receipt's torn edge, a dot of dust)
    and whitens every letter. ``auto`` stretches only when the ink's dark level is lighter than
    ``FAINT``, so black print is left as it is; ``true`` whenever there is ink, ``false`` never.
    Pages with less ink than ``MIN_INK_SHARE``, and grain that looks like faint ink (see
    :func:`_grain`), are left as they are.
    """
    image = scan.pixels
    if mode == "false" or image.size == 0:
        return image.copy()
    total = np.cumsum(_level_counts(image))
    paper = int(np.searchsorted(total, total[-1] / 2))
    below = int(INK_BELOW_PAPER * paper)
    if below == 0 or total[below - 1] < MIN_INK_SHARE * total[-1]:
        return image.copy()
    ink = int(np.searchsorted(total, total[below - 1] * INK_BLACK))
    if ink >= paper or (mode == "auto" and (ink <= FAINT or _grain(scan, total[below - 1] / total[-1]))):
        return image.copy()
    table = np.clip((np.arange(256, dtype=np.float32) - ink) * (255 / (paper - ink)), 0, 255)
    result: np.ndarray = cv2.LUT(image, table.astype(np.uint8))
    return result


def _grain(scan: Scan, light_ink: float) -> bool:
    """Whether the light "ink" (``light_ink``, a share of the pixels) is grain, not faint print: the
    measurement found only text smaller than ``MIN_TEXT_HEIGHT`` px, and Otsu's ink already holds
    half of the light ink or more (pepper noise smeared gray by JPEG). Faint print beside a few
    black marks is the opposite: Otsu's ink is the marks, a small part of it."""
    measure = _dark_text(scan)
    if measure is None or (measure.char_height or 0) >= MIN_TEXT_HEIGHT:
        return False
    return measure.ink_fraction >= light_ink / 2


def _black_and_white(image: np.ndarray) -> bool:
    """Whether every pixel is 0 or 255: then dividing by any paper brightness changes none (a fax,
    a bilevel TIFF), and the estimate is not worth making."""
    return not _level_counts(image)[1:255].any()


def _share_not_paper(paper: np.ndarray) -> float:
    """The share of a uint8 paper estimate darker than ``NOT_PAPER`` of its 90th percentile (numpy's
    linear one), read off its histogram: a sort of the page's pixels took several times as long."""
    cumulative = np.cumsum(_level_counts(paper))
    rank = 0.9 * (cumulative[-1] - 1)
    low, high = np.searchsorted(cumulative, (math.floor(rank) + 1, math.ceil(rank) + 1))
    level = NOT_PAPER * (low + (high - low) * (rank - math.floor(rank)))
    darker = cumulative[math.ceil(level) - 1] if level > 0 else 0
    return float(darker / cumulative[-1])


def _level_counts(image: np.ndarray) -> np.ndarray:
    """How many pixels of a uint8 image have each of the 256 gray levels (int64). OpenCV counts in
    float32, exact up to 2**24, so the image is counted in bands of at most that many pixels."""
    rows = max(1, (1 << 24) // max(image.shape[1], 1))
    counts: np.ndarray = sum(
        (cv2.calcHist([image[top : top + rows]], [0], None, [256], [0, 256]).ravel().astype(np.int64)
         for top in range(0, image.shape[0], rows)),
        np.zeros(256, np.int64),
    )  # fmt: skip
    return counts


def _paper_brightness(image: np.ndarray, diameter: int) -> np.ndarray:
    """Closing with a ``diameter``-pixel disk, then smoothed; computed on a reduced image for speed."""
    height, width = image.shape
    step = max(1, min(diameter // 8, height // 4, width // 4))
    small = image
    if step > 1:
        small = cv2.resize(
            image, (max(1, width // step), max(1, height // step)), interpolation=cv2.INTER_AREA
        )
    side = max(3, round(diameter / step) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)
    closed = cv2.blur(closed, (side, side), borderType=cv2.BORDER_REPLICATE)
    if step > 1:
        closed = cv2.resize(closed, (width, height), interpolation=cv2.INTER_LINEAR)
    return closed


def threshold(
    scan: Scan, value: int = 160, method: str = "fixed", window: SizeSpec = 25, k: float = 0.2
) -> np.ndarray:
    """Make every pixel exactly ink (0) or paper (255).

    ``fixed``: pixels at or below ``value`` become ink, brighter ones paper (so no pixel stays gray,
    not even one equal to ``value``). ``otsu``: one global level chosen from the histogram.
    ``sauvola``: a local level from the mean and spread in a ``window``-pixel square (made odd),
    ``k`` weighting the spread; ``window=auto`` is three character heights, so each window holds
    paper around the glyphs. A uniform image is mapped by ``value`` whatever the method.
    """
    image = scan.pixels
    if method == "fixed" or image.min() == image.max():
        level: np.ndarray | float = value
    elif method == "otsu":
        level, _ = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    else:
        size = Size(window)
        auto = 25.0
        if size.is_auto and scan.overview.char_height:
            auto = 3 * scan.overview.char_height
        side = max(3, round(size.pixels(scan.dpi, auto)) | 1)
        level = skimage.filters.threshold_sauvola(image, window_size=side, k=k)
    return np.where(image <= level, np.uint8(0), np.uint8(255))  # uint8 throughout: no int64 page copy


def join_dots(scan: Scan, pitch: SizeSpec = "auto") -> np.ndarray:
    """Join the dots of dot-matrix print into solid strokes, which Tesseract reads far better.

    A morphological closing of the ink just wide enough to bridge neighbouring dots ``pitch``
    pixels apart (centre to centre), diagonal ones included, and no wider (see
    :func:`ocrprep.measure.join_gaps`). ``auto``: the pitch measured when the image is dot-matrix
    print; otherwise (light text on dark included: put ``invert`` first) the image is returned
    unchanged. Only adds ink, between dots.
    """
    size = Size(pitch)
    measure = _dark_text(scan)
    ink = scan.ink if size.is_auto else scan.pixels < INK_BELOW
    spacing = size.pixels(scan.dpi, (measure.dot_pitch if measure else None) or 0.0)
    result = scan.pixels.copy()
    if spacing >= 2:
        dot = spacing / 2
        if measure is not None and measure.dot_matrix and measure.stroke_width:
            dot = measure.stroke_width
        result[join_gaps(ink, spacing, dot) & ~ink] = 0
    return result


def opening(scan: Scan, radius: SizeSpec = 1) -> np.ndarray:
    """Morphological opening of the dark ink with a disk of ``radius`` pixels.

    Removes ink thinner than ``2 * radius + 1`` pixels (specks, hairlines), so the radius must stay
    below half the stroke width of the text. ``auto`` is a quarter of the measured stem width
    (:attr:`~ocrprep.measure.ScanMeasure.stem_width`), rounded: it removes ink less than about half
    as thick as the stems. It is never so large that the thinnest strokes of a font, ``THINNEST``
    of the stems (crossbars, joins), would go. It is 0 when the scan is not heavily speckled (fewer
    specks than glyphs: the opening reshapes the glyphs too), has no measurable text, is light
    text on dark, or when the opening would erase text (``THIN_GLYPHS``: faint print beside bold,
    outlined letters), and then the image is returned unchanged. With ``auto``, the few glyphs no
    thicker than ``THIN_GLYPH`` disks are put back as they were. ``radius`` 0 returns a copy.
    """
    size = Size(radius)
    auto = 0.0
    measure = _dark_text(scan) if size.is_auto else None
    if measure is not None and measure.stem_width is not None and measure.speck_ratio >= HEAVILY_SPECKLED:
        width = measure.stem_width
        auto = min(math.floor(width / 4 + 0.5), (THINNEST * width - 1) // 2)
        if auto > 0 and _erodes_text(scan, measure, _disk(int(auto))):
            auto = 0
    pixels = math.floor(size.pixels(scan.dpi, auto))
    if pixels == 0:
        return scan.pixels.copy()
    kernel = _disk(pixels)
    # Opening the dark ink is closing the bright paper.
    result: np.ndarray = cv2.morphologyEx(scan.pixels, cv2.MORPH_CLOSE, kernel)
    if measure is not None:
        _restore_thin_glyphs(result, scan, measure, kernel)
    return result


def _restore_thin_glyphs(opened: np.ndarray, scan: Scan, measure: ScanMeasure, kernel: np.ndarray) -> None:
    """Put back in ``opened`` the text's glyphs no thicker than ``THIN_GLYPH`` disks, with a disk's
    margin around them, as the scan had them: faint print beside bold, which the opening erases."""
    parts = scan.components
    thin = _text_glyphs(parts, measure, scan.pixels.shape) & (parts.thickness <= THIN_GLYPH * kernel.shape[0])
    if thin.any():
        around = cv2.dilate(parts.paint(thin, False).view(np.uint8), kernel).view(bool)
        opened[around] = scan.pixels[around]


def _disk(radius: int) -> np.ndarray:
    """The opening's structuring element: scikit-image's disk, whose radius-1 disk is a plus sign."""
    kernel: np.ndarray = skimage.morphology.disk(radius).astype(np.uint8)
    return kernel


def _erodes_text(scan: Scan, measure: ScanMeasure, kernel: np.ndarray) -> bool:
    """Whether an opening by ``kernel`` would erase text (see ``THIN_GLYPHS``): judged on the
    text's glyphs, by their thickness and by how much of their ink the opened ink mask keeps."""
    parts = scan.components
    text = _text_glyphs(parts, measure, scan.pixels.shape)
    if not text.any():
        return False
    if np.mean(parts.thickness[text] <= kernel.shape[0]) >= THIN_GLYPHS:
        return True
    opened = cv2.morphologyEx(scan.ink.view(np.uint8), cv2.MORPH_OPEN, kernel)
    on_text = text[parts.which - 1]
    lost = np.count_nonzero(opened.ravel()[parts.where[on_text]] == 0)
    return bool(lost >= GLYPH_LOSS * np.count_nonzero(on_text))


def _text_glyphs(parts: Components, measure: ScanMeasure, shape: tuple[int, ...]) -> np.ndarray:
    """The components that are glyphs of the text: glyph-like, no thicker than ``SOLID`` strokes
    and at least 0.4 character heights tall (punctuation and specks are not)."""
    assert measure.stroke_width is not None and measure.char_height is not None
    glyph = glyph_like(parts, shape) & (parts.thickness <= SOLID * measure.stroke_width)
    return glyph & (parts.height >= 0.4 * measure.char_height)


def remove_specks(
    scan: Scan, min_size: SizeSpec = 100, connectivity: int = 8, keep_punctuation: str = "auto"
) -> np.ndarray:
    """Paint white every connected ink component of fewer than ``min_size`` pixels.

    The limit is exclusive: a component of exactly ``min_size`` pixels is kept. Every component is
    judged, in one vectorised pass. ``connectivity`` 4 joins pixels sharing an edge, 8 also corners.
    A size in points is the side of a square speck (``1pt`` at 300 DPI: fewer than 17 pixels).

    ``min_size=auto`` is a quarter of a stroke as long as a character (stroke width x character
    height / 4): smaller than any whole glyph but a dot or comma. With ``keep_punctuation`` (``auto``:
    whenever ``min_size`` is ``auto``) small components that look like punctuation stay (see
    :func:`classify_specks`), and dot-matrix print is judged by its joined glyphs, so its dots stay.
    With ``auto`` the lighter rim of a removed speck on a gray image goes with it.
    """
    removed = _specks(scan, min_size, connectivity, keep_punctuation)[0]
    if Size(min_size).is_auto:
        return _paint_white(scan, removed)
    cleaned = scan.pixels.copy()
    if removed is not None:
        cleaned[removed(slice(None))] = 255
    return cleaned


def remove_off_line(scan: Scan, mode: str = "auto") -> np.ndarray:
    """Paint white the ink off every line of text, whatever its size: specks and blobs above, below
    and between the lines.

    Lines of text are the rows two or more glyphs share (:func:`ocrprep.measure.text_line_rows`).
    A component with most of its rows off every line goes, unless it is a glyph itself (glyph-like
    and at least 0.4 character heights tall) or longer than three character heights (rules, figures,
    logos). On one line of text (a number, a field, a captcha), where Tesseract's single-line mode
    reads a dot above or below the line as a character or gives up, round blobs on the line more
    than ``BLOB`` times thicker than the text's strokes go too, marks beyond either end of it, and
    lone dots in its upper half (see :func:`_floating_dots`).
    ``auto`` acts on one line of text, on speckled pages (``speck_ratio`` of ``SPECKLED`` or more)
    and on blotted ones (more than ``BLOTTED`` blobs off the lines per glyph: dust and ink drops
    left once ``remove-impulse`` has taken the grain); ``true`` on any page with text, ``false``
    never. Dot-matrix print and light text on dark are left alone.
    """
    measure = _dark_text(scan)
    if mode == "false" or measure is None or measure.dot_matrix:
        return scan.pixels.copy()
    assert measure.stroke_width is not None and measure.char_height is not None
    stroke, height = measure.stroke_width, measure.char_height
    parts = scan.components
    glyph = glyph_like(parts, scan.pixels.shape) & (parts.thickness <= SOLID * stroke)
    lines = text_line_rows(parts, glyph, height, scan.pixels.shape[0])
    one_line = np.count_nonzero(np.diff(lines.astype(np.int8)) == 1) + int(lines[0]) == 1
    if not lines.any():
        return scan.pixels.copy()
    line_rows = np.concatenate(([0], np.cumsum(lines)))
    on_line = line_rows[np.minimum(parts.y + parts.height, lines.size)] - line_rows[parts.y]
    stray = on_line < 0.5 * parts.height
    text = _text_glyphs(parts, measure, scan.pixels.shape)
    blob = ~glyph & (parts.thickness > BLOB * stroke) & (parts.length < 0.8 * height)
    blotted = np.count_nonzero(stray & blob) > BLOTTED * np.count_nonzero(text)
    if mode == "auto" and not (one_line or blotted or measure.speck_ratio >= SPECKLED):
        return scan.pixels.copy()
    if one_line and text.any():
        start, end = parts.x[text].min(), (parts.x + parts.width)[text].max()
        gap = 0.3 * height
        beyond = (parts.x + parts.width <= start - gap) | (parts.x >= end + gap)
        stray |= blob | (~glyph & beyond) | _floating_dots(parts, text, ~stray, stroke, height)
    return _paint_white(scan, _pixels_of(parts, stray & ~text & (parts.length <= 3 * height)))


def _floating_dots(parts: Components, text: np.ndarray, on_line: np.ndarray, stroke: float, height: float
                   ) -> np.ndarray:  # fmt: skip
    """On one line of text: the dots in the upper half of the line with no other ink of the line
    (``on_line``) above or below them. A point or a comma sits on the baseline, a hyphen lower
    down, a colon's dot and an i's dot have a partner in their columns; a lone dot in the air is
    a speck, which Tesseract reads as a hyphen, a point or a digit. A dot is small (under three
    strokes and 0.4 character heights), about round and filled, as broken-off pieces of distorted
    glyphs seldom are."""
    baseline = float(np.median((parts.y + parts.height)[text]))
    width, tall = parts.width, parts.height
    roundish = (np.abs(np.log(width / tall)) <= np.log(1.6)) & (parts.area >= 0.5 * width * tall)
    small = parts.length < min(0.4 * height, 3 * stroke)
    dot: np.ndarray = ~text & roundish & small & (parts.y + tall < baseline - 0.5 * height)
    chosen = np.flatnonzero(dot)
    left, right = parts.x, parts.x + width
    overlap = (left[chosen, None] < right[None, :]) & (left[None, :] < right[chosen, None]) & on_line[None, :]
    overlap[np.arange(chosen.size), chosen] = False
    dot[chosen] = ~overlap.any(axis=1)
    return dot


def remove_border(scan: Scan) -> np.ndarray:
    """Paint the black margins of a scan and the punch holes beside its text in the paper's shade.

    A border is solid ink (more than ``SOLID`` times thicker than the text's strokes) touching the
    page's edge: the scanner lid, a photocopy's edge, a book's gutter. Only its solid part goes (an
    opening with a disk two strokes wide), so text that touches it stays, and with it the gray
    shadow along it. A punch hole is a round solid component in the margin: beside, above or below
    every glyph. A page without dark text on light paper is left alone.
    """
    measure = _dark_text(scan)
    if measure is None:
        return scan.pixels.copy()
    assert measure.stroke_width is not None and measure.char_height is not None
    parts, (rows, columns) = scan.components, scan.pixels.shape
    right, bottom = parts.x + parts.width, parts.y + parts.height
    solid = parts.thickness > SOLID * measure.stroke_width
    edge = (parts.x == 0) | (parts.y == 0) | (right == columns) | (bottom == rows)
    text = glyph_like(parts, scan.pixels.shape) & ~solid
    if not (solid & edge).any() or not text.any():
        return scan.pixels.copy()
    margin = (right <= parts.x[text].min()) | (parts.x >= right[text].max())
    margin |= (bottom <= parts.y[text].min()) | (parts.y >= bottom[text].max())
    round_ = np.abs(parts.width - parts.height) <= 0.3 * parts.length
    hole = solid & ~edge & margin & round_ & (parts.area >= 0.6 * parts.width * parts.height)
    border = parts.paint(solid & edge, False).astype(np.uint8)
    core = cv2.morphologyEx(border, cv2.MORPH_OPEN, disk_kernel(max(1, round(measure.stroke_width)))) > 0
    near = cv2.dilate(core.view(np.uint8), disk_kernel(max(1, round(measure.char_height) // 2))) > 0
    result = scan.pixels.copy()
    result[core | (near & ~scan.ink) | parts.paint(hole, False)] = np.median(scan.pixels[~scan.ink])
    return result


def remove_lines(scan: Scan) -> np.ndarray:
    """Paint white the lines through and under the text: underlines, form rules, strike-throughs,
    the straight or gently curved strokes drawn across captchas. The glyph pixels under them stay.

    A line is ink along which a straight segment ``LINE_LENGTH`` character heights long fits, at
    any slope within ``LINE_SLOPE`` degrees of horizontal (a gentle curve is a chain of such
    segments), or ``RULE_LENGTH`` character heights long vertically: no stroke of a glyph is that
    long. It must also span ``LINE_SPAN`` character heights and be thinner than ``LINE_WIDTH`` of
    one, which blurred or crowded words and black margins are not; dark bands are left alone. A
    line pixel with the rest of the ink just above and below it (left and right of a vertical
    rule), no further than the lines are thick, is a stroke crossing the line, and stays. A line
    along the page's edge, outside the text, goes with all the ink between it and the edge (see
    :func:`_edge_strips`); a dashed rule, ``DASH_RUN`` flat marks in a row, goes too. Pages
    without lines, dot-matrix print and light text on dark are returned unchanged.

    Only the ink that could hold a line is searched: the components that long, in the bands of
    rows they cover (see :func:`_line_regions`), so a page with a few long words costs little.
    """
    measure = _dark_text(scan)
    if measure is None or measure.dot_matrix:
        return scan.pixels.copy()
    assert measure.stroke_width is not None and measure.char_height is not None
    parts, height = scan.components, measure.char_height
    removed = parts.paint(_dashes(parts, measure.stroke_width, height), False)
    length = max(5, round(LINE_LENGTH * height))
    solid = (parts.thickness > SOLID * measure.stroke_width) & (parts.area > 0.5 * parts.width * parts.height)
    chosen = (parts.length >= length) & ~solid  # dark bands hold no lines
    found = []
    for rows, columns in _line_regions(parts, chosen, round(height)) if chosen.any() else ():
        across, down = _find_lines(parts.paint(chosen, False, rows, columns), height, length)
        if across.any() or down.any():
            found.append((rows, columns, across, down))
    if found:
        depth = np.concatenate([_depth(across | down) for _, _, across, down in found])
        reach = round(2 * float(np.percentile(depth, 95))) + 1  # the lines' thickness
        text = _text_box(parts, chosen, height)
        for rows, columns, across, down in found:
            rest = parts.paint(chosen, False, rows, columns) & ~across & ~down
            crossing = across & _on_both_sides(rest, reach, vertical=True)
            crossing |= down & _on_both_sides(rest, reach, vertical=False)
            removed[rows, columns] |= (across | down) > crossing
            for strip in _edge_strips(rows, columns, across, down, reach, text, height, parts.shape):
                removed[strip] |= scan.ink[strip]
    return _paint_white(scan, (lambda rows: removed[rows]) if removed.any() else None)


def _dashes(parts: Components, stroke: float, height: float) -> np.ndarray:
    """Which components make dashed rules: rows of ``DASH_RUN`` flat marks or more (see there).

    One sweep from left to right: each mark extends the chain whose last mark ends within the gap
    before it, at about its height; chains are kept by band of rows, and dropped once the sweep is
    past their reach, so a page of noise costs no more than its marks."""
    flat = (parts.height <= max(2.5 * stroke, 0.35 * height)) & (parts.width >= 1.2 * parts.height)
    flat &= (parts.width >= max(0.25 * height, 2 * stroke, 3)) & (parts.width <= 1.5 * height)
    marks = np.flatnonzero(flat)
    gap, drift = DASH_GAP * height, max(2.0, DASH_DRIFT * height)
    right = parts.x + parts.width
    chains: list[list[int]] = []
    open_chains: dict[int, list[int]] = {}  # band of rows -> indices of chains that may grow
    for mark in marks[np.argsort(parts.x[marks], kind="stable")]:
        x, band = parts.x[mark], int(parts.cy[mark] // drift)
        chosen = None
        for near in (band - 1, band, band + 1):
            live = [c for c in open_chains.get(near, ()) if right[chains[c][-1]] >= x - gap]
            open_chains[near] = live
            for c in live:
                last = chains[c][-1]
                if chosen is None and right[last] <= x and abs(parts.cy[mark] - parts.cy[last]) <= drift:
                    chosen = c
        if chosen is None:
            chosen = len(chains)
            chains.append([])
        else:
            for near in (band - 1, band, band + 1):
                if chosen in open_chains[near]:
                    open_chains[near].remove(chosen)
        chains[chosen].append(int(mark))
        open_chains.setdefault(band, []).append(chosen)
    dashed = np.zeros(parts.count, bool)
    for chain in chains:
        if len(chain) >= DASH_RUN:
            dashed[chain] = True
    return dashed


def _edge_strips(
    rows: slice,
    columns: slice,
    across: np.ndarray,
    down: np.ndarray,
    reach: int,
    text: Box,
    height: float,
    shape: tuple[int, int],
) -> Iterator[tuple[slice, slice]]:
    """The strips between the page's edge and the lines found in the box ``rows, columns`` that lie
    along it, within a character ``height`` of it and outside the ``text``: a scanned receipt's or
    page's edge. The whole strip goes: a line taken in part leaves pieces that Tesseract reads as
    ``|`` at the start of every text line (SROIE receipts), where it finds and ignores a whole one."""
    text_top, text_left, text_bottom, text_right = text
    for lines, vertical in ((down, True), (across, False)):
        found = components(lines, depth=False)
        if vertical:  # near and far from the left edge; first and last along the line
            near, first = columns.start + found.x, rows.start + found.y
            far, last, size, length = near + found.width, first + found.height, shape[1], shape[0]
            text_start, text_end = text_left, text_right
        else:
            near, first = rows.start + found.y, columns.start + found.x
            far, last, size, length = near + found.height, first + found.width, shape[0], shape[1]
            text_start, text_end = text_top, text_bottom
        for index in range(found.count):
            span = slice(max(int(first[index]) - reach, 0), min(int(last[index]) + reach, length))
            if far[index] <= height and far[index] + reach <= text_start:
                strip = slice(0, int(far[index]) + reach)
            elif near[index] >= size - height and near[index] - reach >= text_end:
                strip = slice(int(near[index]) - reach, size)
            else:
                continue
            yield (span, strip) if vertical else (strip, span)


def _text_box(parts: Components, chosen: np.ndarray, height: float) -> Box:
    """The box (top, left, bottom, right) of the glyph-like components off the ``chosen`` ones and
    not wholly within a character ``height`` of the page's edge (the pieces of its edge lines)."""
    rows, columns = parts.shape
    bottom, right = parts.y + parts.height, parts.x + parts.width
    inside = (right > height) & (parts.x < columns - height) & (bottom > height) & (parts.y < rows - height)
    text = glyph_like(parts, parts.shape) & ~chosen & inside
    if not text.any():
        return (0, 0, rows, columns)
    top, left = int(parts.y[text].min()), int(parts.x[text].min())
    return (top, left, int(bottom[text].max()), int(right[text].max()))


def _depth(lines: np.ndarray) -> np.ndarray:
    """The distance to the paper of each pixel of the ``lines`` mask."""
    depth: np.ndarray = cv2.distanceTransform(lines.view(np.uint8), cv2.DIST_L2, 3)[lines]
    return depth


def _line_regions(parts: Components, chosen: np.ndarray, pad: int) -> Iterator[tuple[slice, slice]]:
    """Boxes holding the ``chosen`` components, ``pad`` pixels around them, that share no rows: the
    bands of rows the components cover, merged where they come within ``pad`` rows of each other,
    each as wide as its components. Whatever lies within ``pad`` of a component is in its box."""
    rows, columns = parts.shape
    top, bottom = parts.y[chosen] - pad, parts.y[chosen] + parts.height[chosen] + pad
    left, right = parts.x[chosen] - pad, parts.x[chosen] + parts.width[chosen] + pad
    band: list[int] = []
    end = 0
    for index in np.argsort(top, kind="stable"):
        if band and top[index] >= end:
            yield _box(band, top, bottom, left, right, rows, columns)
            band = []
        band.append(int(index))
        end = max(end, int(bottom[index]))
    yield _box(band, top, bottom, left, right, rows, columns)


def _box(band: list[int], top: np.ndarray, bottom: np.ndarray, left: np.ndarray, right: np.ndarray,
         rows: int, columns: int) -> tuple[slice, slice]:  # fmt: skip
    """The box of the components ``band``, within the image."""
    return (slice(max(int(top[band].min()), 0), min(int(bottom[band].max()), rows)),
            slice(max(int(left[band].min()), 0), min(int(right[band].max()), columns)))  # fmt: skip


def _find_lines(ink: np.ndarray, height: float, length: int) -> tuple[np.ndarray, np.ndarray]:
    """The lines in ``ink`` (text of ``height`` px): those holding a segment ``length`` px long
    within ``LINE_SLOPE`` of horizontal, and vertical rules."""
    rule = max(5, round(RULE_LENGTH * height))
    mask = np.ascontiguousarray(ink).view(np.uint8)
    across, opened = np.zeros(ink.shape, np.uint8), np.empty(ink.shape, np.uint8)
    for angle in np.arange(-LINE_SLOPE, LINE_SLOPE + 0.1, LINE_STEP):
        cv2.morphologyEx(mask, cv2.MORPH_OPEN, _segment(length, float(angle)), dst=opened)
        cv2.bitwise_or(across, opened, dst=across)
    down = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((rule, 1), np.uint8), dst=opened)
    across = _line_like(across.view(bool), ink, LINE_SPAN * height, height, vertical=False)
    down = _line_like(down.view(bool), ink, rule, height, vertical=True)
    return across, down


def _line_like(mask: np.ndarray, ink: np.ndarray, span: float, height: float, vertical: bool) -> np.ndarray:
    """The connected parts of ``mask`` that are lines, in text ``height`` px high: longer than
    ``span`` pixels, on average thinner than ``LINE_WIDTH`` heights (blurred words and black margins
    are thicker), and alone, with no other ``ink`` within half a height across them, along
    ``LINE_ALONE`` of their pixels or more: a line runs on through the gaps between letters and
    words, the tops of crowded letters do not."""
    parts = components(mask, depth=False)
    reach = max(1, round(height / 2))
    side = (2 * reach + 1, 1) if not vertical else (1, 2 * reach + 1)
    near = np.greater(ink, mask).view(np.uint8)  # the rest of the ink
    cv2.dilate(near, np.ones(side, np.uint8), dst=near)
    alone = np.bincount(parts.which[near.ravel()[parts.where] == 0], minlength=parts.count + 1)[1:]
    del near
    thin = parts.area < LINE_WIDTH * height * parts.length
    line = (parts.length > span) & thin & (alone >= LINE_ALONE * parts.area)
    return parts.paint(line, False)


def _segment(length: int, angle: float) -> np.ndarray:
    """A one-pixel-wide straight segment of ``length`` pixels at ``angle`` degrees (counter-clockwise
    from horizontal) as a structuring element."""
    radians = math.radians(angle)
    dx, dy = (length - 1) / 2 * math.cos(radians), (length - 1) / 2 * math.sin(radians)
    half_width, half_height = math.ceil(abs(dx)), math.ceil(abs(dy))
    kernel = np.zeros((2 * half_height + 1, 2 * half_width + 1), np.uint8)
    start = (round(half_width - dx), round(half_height + dy))
    end = (round(half_width + dx), round(half_height - dy))
    cv2.line(kernel, start, end, 1, 1)
    return kernel


def _on_both_sides(ink: np.ndarray, reach: int, vertical: bool) -> np.ndarray:
    """Pixels with ``ink`` within ``reach`` pixels on both sides: above and below, or left and right."""
    mask = ink.view(np.uint8)
    before = np.ones((reach + 1, 1) if vertical else (1, reach + 1), np.uint8)
    before.flat[-1] = 0  # offsets -reach..-1 from the anchor at the end
    after = before[::-1, ::-1].copy()  # offsets 1..reach from the anchor at the start
    seen_before = cv2.dilate(mask, before, anchor=(0, reach) if vertical else (reach, 0)) > 0
    return seen_before & (cv2.dilate(mask, after, anchor=(0, 0)) > 0)


def _paint_white(scan: Scan, removed: BandMask | None) -> np.ndarray:
    """The page with the ``removed`` ink painted white (None: nothing is), and the lighter
    anti-aliased rim around it on a gray image (not ink, but it would stay as a faint ghost of the
    mark). Both are painted band by band, so that no page-sized mask is made."""
    result = scan.pixels.copy()
    if removed is None:
        return result
    for top, bottom, above, below in row_bands(result.shape, 1):
        band = removed(slice(above, below))
        grown = cv2.dilate(band.view(np.uint8), np.ones((3, 3), np.uint8)).view(bool)
        inner = slice(top - above, bottom - above)
        np.putmask(result[top:bottom], band[inner], 255)
        np.putmask(result[top:bottom], np.greater(grown[inner], scan.ink[top:bottom]), 255)  # paper beside it
    return result


def _pixels_of(parts: Components, chosen: np.ndarray, ink: np.ndarray | None = None) -> BandMask | None:
    """The pixels of the ``chosen`` components (of ``ink`` only, when given), band by band; None when
    none is chosen."""
    if not chosen.any():
        return None

    def band(rows: slice) -> np.ndarray:
        mask = parts.paint(chosen, False, rows)
        return mask if ink is None else np.logical_and(mask, ink[rows], out=mask)

    return band


def classify_specks(
    scan: Scan, min_size: SizeSpec = "auto", connectivity: int = 8, keep_punctuation: str = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    """Which ink ``remove-specks`` removes, and which small ink it keeps because it looks like text.

    Returns two boolean masks of the image's shape: ``removed`` (specks) and ``kept`` (components
    under ``min_size`` kept as punctuation, i-dots, diacritics or dot-matrix dots).

    Punctuation sits next to text (see :func:`_neighbour_pen`: decimal points, commas, hyphens,
    colons, i-dots, accents) and is a dab of the text's pen: at least ``PEN_DAB`` pen widths squared
    in area (a round dot one pen wide has 0.79) and half a pen wide. The pen is the thinnest
    neighbouring glyph's thickness, at most the measured stroke width, less a pixel for the
    uncertainty of binarisation. On a speckled scan (``speck_ratio`` of ``SPECKLED`` or more) dust
    outnumbers punctuation, so a small component is kept only when it is both next to text and a
    dab of the pen: the same speck away from the text goes. On a clean scan it is kept when it is
    either: faint punctuation that prints smaller than the pen, and colons or bullets set apart
    from the words, stay; only dust away from the text goes. With ``auto`` and no measurable dark
    text (blank, solid, noise-only or light-on-dark images) nothing is removed.
    """
    return tuple(  # type: ignore[return-value]
        np.zeros(scan.pixels.shape, bool) if mask is None else mask(slice(None))
        for mask in _specks(scan, min_size, connectivity, keep_punctuation)
    )


def _specks(
    scan: Scan, min_size: SizeSpec, connectivity: int, keep_punctuation: str
) -> tuple[BandMask | None, BandMask | None]:
    """The two masks of :func:`classify_specks`, band by band (None: no pixel): ``remove-specks``
    paints the first into the page a band at a time, and never the second."""
    size = Size(min_size)
    keep = keep_punctuation == "true" or (keep_punctuation == "auto" and size.is_auto)
    ink = scan.ink if size.is_auto else scan.pixels < INK_BELOW
    measure = _dark_text(scan) if size.is_auto or keep else None
    if measure is None:
        if size.is_auto:
            return None, None
        small = _small_components(ink, _area_limit(size, scan.dpi, 0.0), connectivity)
        return (lambda rows: small[rows]), None
    assert measure.stroke_width is not None and measure.char_height is not None
    stroke, height = measure.stroke_width, measure.char_height
    limit = _area_limit(size, scan.dpi, stroke * height / 4)
    if measure.dot_pitch:
        judged = components(join_gaps(ink, measure.dot_pitch, stroke), connectivity)
    elif size.is_auto and connectivity == 8:
        judged = scan.components
    else:
        judged = components(ink, connectivity)
    small = judged.area < limit
    punctuation = np.zeros_like(small)
    if keep:
        neighbour = _neighbour_pen(judged, ink.shape, stroke, height)
        pen = np.minimum(neighbour, stroke) - 1  # a binarised width is uncertain by a pixel
        dab = (judged.area >= PEN_DAB * pen * pen) & (judged.thickness >= 0.5 * pen)
        near = np.isfinite(neighbour)
        # A speckled scan keeps only pen dabs beside the text; a clean one keeps either.
        punctuation = small & ((near & dab) if measure.speck_ratio >= SPECKLED else (near | dab))
    within = ink if measure.dot_pitch else None  # the joined glyphs cover the gaps between the dots too
    return _pixels_of(judged, small & ~punctuation, within), _pixels_of(judged, punctuation, within)


def _dark_text(scan: Scan) -> ScanMeasure | None:
    """The scan's measurement when it found dark text on light paper, which the ink stages work on."""
    measure = scan.measure
    return measure if measure.has_text and not measure.inverted else None


def _area_limit(size: Size, dpi: int | None, auto: float) -> float:
    """``min_size`` as an area in pixels; a size in points is the side of a square."""
    pixels = size.pixels(dpi, auto)
    return pixels * pixels if size.unit == "pt" else pixels


def _small_components(ink: np.ndarray, limit: float, connectivity: int) -> np.ndarray:
    """Ink pixels in components of fewer than ``limit`` pixels."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=connectivity)
    small = stats[:, cv2.CC_STAT_AREA] < limit
    small[0] = False  # label 0 is the paper
    result: np.ndarray = small[labels]
    return result


def _neighbour_pen(parts: Components, shape: tuple[int, ...], stroke: float, height: float) -> np.ndarray:
    """For each component: the pen width of the text next to it, where punctuation would sit (px).

    Text glyphs are glyph-like components between 0.4 and 3 character heights tall; a glyph's pen
    width is its thickness. The zone around their ink reaches one character height left and right,
    half a height up (i-dots, accents, apostrophes) and 0.3 down (commas). A component whose centre
    lies in that zone gets the thinnest pen among the glyphs there (so that a heading in bold does
    not set the scale for the small print beside it); elsewhere infinity. One erosion of an image
    of glyph thicknesses, then a look-up per centre.
    """
    glyph = (
        glyph_like(parts, shape)
        & (parts.thickness <= SOLID * stroke)
        & (parts.height >= 0.4 * height)
        & (parts.height <= 3 * height)
    )
    if not glyph.any():
        return np.full(parts.count, np.inf)
    far = 255  # stands for "no glyph"
    pens = np.where(glyph, np.minimum(np.ceil(parts.thickness), far - 1), far).astype(np.uint8)
    reach, up, down = round(height), round(0.5 * height), round(0.3 * height)
    kernel = np.ones((up + down + 1, 2 * reach + 1), np.uint8)
    rows = np.clip(np.rint(parts.cy).astype(int), 0, shape[0] - 1)
    cols = np.clip(np.rint(parts.cx).astype(int), 0, shape[1] - 1)
    zone = np.empty(parts.count, np.uint8)
    for top, bottom, above, below in row_bands(shape, max(up, down)):  # no page-sized image
        # dst(p) = min of src(p + (x - reach, y - down)) over the kernel: glyph ink from `down` rows
        # above p (p below the glyph) to `up` rows below p (p above the glyph), `reach` columns either side.
        pen_image = parts.paint(pens, far, slice(above, below))
        eroded = cv2.erode(pen_image, kernel, anchor=(reach, down), borderValue=far)
        inside = (rows >= top) & (rows < bottom)
        zone[inside] = eroded[rows[inside] - above, cols[inside]]
    pen: np.ndarray = np.where(zone == far, np.inf, zone.astype(np.float64))
    return pen


_SIZE_UNIT = "px: 3 or 3px; or points: 0.5pt; or auto"
"""How sizes are written, shown in parameter descriptions and in usage errors."""

STAGES = (
    Stage(
        "grayscale", grayscale, "The page in 8-bit gray (every image is made gray before the first stage)."
    ),
    Stage(
        "invert",
        invert,
        "Make light text on a dark background dark on light (auto: only when the scan is like that).",
        (Param("mode", str, "auto: when light text on dark is detected", choices=("auto", "true", "false")),),
    ),
    Stage(
        "remove-border",
        remove_border,
        "Remove black scan margins touching the page's edge, and punch holes beside the text.",
    ),
    Stage(
        "remove-impulse",
        remove_impulse,
        "Remove lone dark pixels on the paper and lone light pixels in the strokes (salt and pepper).",
        (Param("mode", str, "auto: when lone pixels are common", choices=("auto", "true", "false")),),
    ),
    Stage(
        "normalize-background",
        normalize_background,
        "Even out uneven lighting: divide by the paper brightness around each pixel.",
        (
            Param(
                "size",
                Size,
                "diameter of the area the paper brightness is taken from; auto: 2 character heights",
                _SIZE_UNIT,
            ),
        ),
    ),
    Stage(
        "stretch-contrast",
        stretch_contrast,
        "Darken faint print: the ink's dark level made black, the paper white (auto: when faint).",
        (Param("mode", str, "auto: when the ink is faint", choices=("auto", "true", "false")),),
    ),
    Stage(
        "threshold",
        threshold,
        "Binarise: every pixel becomes ink (0) or paper (255).",
        (
            Param(
                "value", int, "fixed: pixels at or below this are ink", "gray level", minimum=0, maximum=255
            ),
            Param("method", str, "how the level is chosen", choices=("fixed", "otsu", "sauvola")),
            Param("window", Size, "sauvola: side of the local window; auto: 3 character heights", _SIZE_UNIT),
            Param("k", float, "sauvola: weight of the local spread", minimum=0.0, maximum=1.0),
        ),
    ),
    Stage(
        "join-dots",
        join_dots,
        "Join the dots of dot-matrix print into strokes (auto: only when the scan is dot-matrix).",
        (Param("pitch", Size, "distance between neighbouring dots, centre to centre", _SIZE_UNIT),),
    ),
    Stage(
        "opening",
        opening,
        "Remove ink thinner than a disk: specks and hairlines below the stroke width.",
        (
            Param(
                "radius",
                Size,
                "disk radius; removes ink thinner than 2*radius+1; auto: ~stem width / 4 if speckled",
                _SIZE_UNIT,
            ),
        ),
    ),
    Stage(
        "remove-off-line",
        remove_off_line,
        "Remove specks and blobs off every line of text, whatever their size (auto: one line or speckled).",
        (
            Param(
                "mode",
                str,
                "auto: on one line of text and on speckled or blotted pages",
                choices=("auto", "true", "false"),
            ),
        ),
    ),
    Stage(
        "remove-lines",
        remove_lines,
        "Remove underlines, rules, dashed rules, strike-throughs, captcha lines and scanned page edges;"
        " glyph pixels under them stay.",
    ),
    Stage(
        "remove-specks",
        remove_specks,
        "Drop connected ink components of fewer than min_size pixels (exactly min_size is kept).",
        (
            Param(
                "min_size",
                Size,
                "smallest component kept (area); auto: stroke width x character height / 4",
                "px of area: 100 or 100px; or points: 1pt, a square's side; or auto",
            ),
            Param("connectivity", int, "4: edge neighbours; 8: also corners", choices=(4, 8)),
            Param(
                "keep_punctuation",
                str,
                "keep small components where punctuation sits; auto: with min_size=auto",
                choices=("auto", "true", "false"),
            ),
        ),
    ),
)


@hookimpl
def preprocess_stages() -> Sequence[Stage]:
    """The despeckle stages."""
    return STAGES
