"""Measure a scan from its own pixels: stroke width, character height, polarity, dot-matrix print, specks.

Stages use these figures to size themselves to the text (``opening(radius=auto)``,
``remove-specks(min_size=auto)``, ``threshold(window=auto)`` ...), so one pipeline works at any
resolution and type size. Everything here is a pure function of a 2-D ``uint8`` gray image and
takes a few tens of milliseconds on a 300-DPI page.

How the figures are found:

- The image is split into ink and paper by Otsu's level. Ink is the dark side, unless the light side
  forms the glyphs (light text on a dark background: :func:`is_inverted`).
- Each connected ink component gets its box and its *thickness*: the width of the widest stroke in
  it, from the distance transform (``2 * max distance - 1``). A component is *glyph-like* when it is
  at least 2.5 times longer than thick (letters, digits, rules of text) and not a page-sized blob;
  round blobs (specks, dust, periods) and long rules are not.
- **Stroke width**: the distance transform along the middle (ridge) of glyph-like ink, as
  ``2 * d - 1`` with ``d`` the upper quartile of the ridge distances (stroke ends and curves taper, so
  the median under-reads). Even widths read one pixel low, which errs on the safe side. The **stem
  width** weights the ridge by the ink it stands for, so fuzz and hairlines barely count.
- **Character height**: the area-weighted median height of the glyph-like components: the typical
  glyph height, between the x-height and the cap height for mixed text. Weighting by area keeps a
  crowd of specks or hyphens from dragging it down.
- **Dot-matrix print**: most components are round dots of one size on a regular pitch (their nearest
  neighbours are at nearly the same distance), and closing the gaps between them joins them into
  glyph-sized clusters of several dots each. Then the height and width are measured on the joined
  glyphs and ``dot_pitch`` is the centre-to-centre distance of neighbouring dots.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .libs import cv2, np, scipy

ELONGATED = 2.5
"""A glyph-like component is at least this many times longer than thick."""
RULE_ASPECT = 15.0
"""Components longer than this many times their other side are rules or lines, not glyphs."""
PEN_DAB = 0.7
"""The smallest mark of the text's pen, in pen widths squared (a round dot one pen wide: 0.79)."""
SPECKLED = 0.5
"""Specks per glyph above which a scan is speckled: dust then outnumbers punctuation (rarely more
than one mark in ten glyphs) several times over, so a small mark beside the text is likely dust."""
HEAVILY_SPECKLED = 1.0
"""Specks per glyph above which a scan is heavily speckled: more dust than glyphs."""
SOLID = 3.0
"""A component this many times thicker than the text's strokes is a solid area, not a glyph."""
MIN_DOTS = 20
"""Fewer dots than this never count as dot-matrix print."""
DEPTH_CAP = 64
"""Distances to the paper are measured up to this many pixels: strokes up to 127 px wide are
measured, and anything thicker is a solid area beside text of any size worth reading."""
BAND_ROWS = 256
BAND_PIXELS = 1 << 19
"""Work in bands of rows (see :func:`row_bands`) takes at least ``BAND_ROWS`` rows and about
``BAND_PIXELS`` pixels a band: its temporaries stay a small share of a page."""


@dataclass(frozen=True)
class Components:
    """Connected ink components (8-connected) with their boxes, areas, thickness and centroids.

    No per-pixel image is kept: the ink pixels' flat indices and labels, and the distance to the
    paper along the stroke ridges, are a small share of a page (a page's int32 labels and float32
    distances would be 8 bytes a pixel, several times the page).
    """

    shape: tuple[int, int]
    """The ink mask's (rows, columns)."""
    x: np.ndarray
    """Arrays of per-component figures, component ``i`` (label ``i``) at index ``i - 1``."""
    y: np.ndarray
    width: np.ndarray
    height: np.ndarray
    area: np.ndarray
    thickness: np.ndarray
    """Width in pixels of the widest stroke: ``2 * max distance to paper - 1``, at most
    ``2 * DEPTH_CAP - 1``."""
    cx: np.ndarray
    cy: np.ndarray
    where: np.ndarray
    """Flat indices of the ink pixels, ascending: ink is a small share of a page, so work on it is fast."""
    which: np.ndarray
    """The label (1 to ``count``) of each pixel in ``where``."""
    ridge_which: np.ndarray
    """The label of each ridge pixel: ink whose distance to the paper is a local maximum (the
    middle of a stroke)."""
    ridge_depth: np.ndarray
    """The distance to the paper (float32, px) of each ridge pixel, below ``DEPTH_CAP``."""

    @property
    def count(self) -> int:
        return int(self.area.size)

    def paint(
        self, values: np.ndarray, paper: object = 0, rows: slice = slice(None), columns: slice = slice(None)
    ) -> np.ndarray:
        """An image holding ``values[i - 1]`` on the pixels of component ``i`` and ``paper`` elsewhere:
        of the whole page, or of its box ``rows, columns`` only (for work box by box or band by band,
        without a page-sized image).

        ``values`` has one entry per component; a boolean ``values`` gives a mask of the components
        chosen. Only the ink pixels are touched, which on a page is several times faster than indexing
        ``values`` with a whole label image.
        """
        (top, bottom, _), (left, right, _) = rows.indices(self.shape[0]), columns.indices(self.shape[1])
        image = np.full((bottom - top, right - left), paper, dtype=values.dtype)
        width = self.shape[1]
        first, last = np.searchsorted(self.where, (top * width, bottom * width))
        where, which = self.where[first:last], self.which[first:last]
        if (left, right) != (0, width):
            row, column = np.divmod(where, width)
            inside = (column >= left) & (column < right)
            where, which = (row[inside] - top) * image.shape[1] + column[inside] - left, which[inside]
        elif top:
            where = where - top * width
        if where.size:
            image.ravel()[where] = values[which - 1]
        return image

    @property
    def length(self) -> np.ndarray:
        """The longer side of each box."""
        longer: np.ndarray = np.maximum(self.width, self.height)
        return longer


@dataclass(frozen=True)
class ScanMeasure:
    """What a scan's text looks like, in pixels of the image measured.

    ``stroke_width`` and ``char_height`` are None when no text-like ink was found (blank page, solid
    black, noise only); stages then leave the image as it is.
    """

    width: int
    height: int
    dpi: int | None
    """The file's resolution, or None when it does not say."""
    inverted: bool
    """Light text on a dark background."""
    stroke_width: float | None
    """Typical stroke width of the text, px: the size of its pen."""
    stem_width: float | None
    """Width of the strokes that carry most of the ink, px: the stems, not fuzz or hairlines."""
    char_height: float | None
    """Typical glyph height (area-weighted median of glyph heights: between x-height and cap height), px."""
    glyphs: int
    """Number of glyph-like components (joined dot clusters for dot-matrix print)."""
    specks: int
    """Dust: ink components too small or too thin to be a mark of the text's pen (see :func:`dust`)."""
    dot_matrix: bool
    """The text is printed as rows of separate dots."""
    dot_pitch: float | None
    """Dot-matrix print: centre-to-centre distance of neighbouring dots, px; else None."""
    ink_fraction: float
    """Share of the image that is ink, 0 to 1."""

    @property
    def has_text(self) -> bool:
        return self.stroke_width is not None and self.char_height is not None

    @property
    def speck_ratio(self) -> float:
        """Specks per glyph: about 0 on a clean scan, ``SPECKLED`` and more on a speckled one."""
        return self.specks / max(self.glyphs, 1)

    def as_dict(self) -> dict[str, Any]:
        """The measurement as JSON-ready values (floats rounded to 0.01 px)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 2)
        data["speck_ratio"] = round(self.speck_ratio, 2)
        return data


def describe(scan: Mapping[str, Any]) -> str:
    """A measurement (``ScanMeasure.as_dict()``) in a few words, for ``ocr --verbose`` and the HTML report.

    >>> describe(measure_scan(np.full((10, 10), 255, np.uint8)).as_dict())
    'no text-like ink found'
    """
    if scan["stroke_width"] is None or scan["char_height"] is None:
        return "no text-like ink found"
    words = [f"stroke {scan['stroke_width']:.1f} px", f"characters {scan['char_height']:.0f} px high",
             f"{scan['glyphs']} glyphs, {scan['specks']} specks"]  # fmt: skip
    if scan["inverted"]:
        words.append("light text on dark")
    if scan["dot_matrix"]:
        words.append(f"dot-matrix print, dot pitch {scan['dot_pitch']:.1f} px")
    return ", ".join(words)


def measure_scan(gray: np.ndarray, dpi: int | None = None) -> ScanMeasure:
    """Measure the text of a 2-D ``uint8`` gray scan (any polarity) at ``dpi`` (None if unknown).

    >>> measure_scan(np.full((10, 10), 255, np.uint8)).has_text
    False
    """
    _check(gray)
    ink, inverted = text_ink(gray)
    return measure_ink(ink, dpi, inverted)


def text_ink(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """The text's ink of a gray image and whether it is light on dark, from one Otsu level."""
    dark = ink_mask(gray)
    inverted = dark_side_is_paper(dark)
    return (~dark if inverted else dark), inverted


def measure_ink(
    ink: np.ndarray, dpi: int | None = None, inverted: bool = False, parts: Components | None = None
) -> ScanMeasure:
    """Measure the text of a boolean ink mask (True = ink); ``parts`` are its components if known.

    Nothing is remembered between calls: a page measured once is shared through its
    :class:`ocrprep.Scan`, which every stage that looks at those pixels receives.
    """
    ink = ink.astype(bool, copy=False)
    if not ink.any():
        return _no_text(ink.shape, dpi, inverted)
    return _measure_ink(ink, dpi, inverted, components(ink) if parts is None else parts)


def _measure_ink(ink: np.ndarray, dpi: int | None, inverted: bool, parts: Components) -> ScanMeasure:
    glyph, stroke, stem = text_strokes(parts, ink.shape)
    height = char_height(parts, glyph)
    specks = 0 if stroke is None else int(np.count_nonzero(dust(parts, glyph, stroke)))
    glyphs = int(np.count_nonzero(glyph))
    pitch = dot_pitch(parts, glyph)
    if pitch is not None:
        stroke = stem = float(np.median(parts.thickness[~glyph]))
        joined = components(join_gaps(ink, pitch, stroke))
        joined_glyph, _, _ = text_strokes(joined, ink.shape)
        height = char_height(joined, joined_glyph)
        glyphs, specks = int(np.count_nonzero(joined_glyph)), 0
    return ScanMeasure(
        width=int(ink.shape[1]),
        height=int(ink.shape[0]),
        dpi=dpi,
        inverted=inverted,
        stroke_width=stroke if height is not None else None,
        stem_width=stem if height is not None else None,
        char_height=height if stroke is not None else None,
        glyphs=glyphs,
        specks=specks,
        dot_matrix=pitch is not None,
        dot_pitch=pitch,
        ink_fraction=float(np.count_nonzero(ink)) / max(ink.size, 1),
    )


def otsu_level(gray: np.ndarray) -> int:
    """Otsu's gray level: pixels at or below it are the dark class."""
    level, _ = cv2.threshold(np.ascontiguousarray(gray), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return int(level)


def is_inverted(gray: np.ndarray) -> bool:
    """True when the text is light on a dark background (see :func:`dark_side_is_paper`)."""
    _check(gray)
    return dark_side_is_paper(ink_mask(gray))


def dark_side_is_paper(dark: np.ndarray) -> bool:
    """True when the dark side of a page by Otsu's level (``ink_mask``) is its background.

    Text is the minority of the pixels and breaks up into many glyph-sized pieces, while the
    background is mostly one piece with a few holes (the counters of o, e, a ...). So the image is
    inverted when its light side covers less than half of it and splits into clearly more pieces
    (of 4 pixels or more) than its dark side. A receipt photographed on a dark table is not inverted:
    its paper is one big light piece.
    """
    if np.count_nonzero(dark) * 2 <= dark.size:
        return False
    return _pieces(~dark) > 1.5 * _pieces(dark)


def ink_mask(gray: np.ndarray, inverted: bool = False) -> np.ndarray:
    """Boolean ink mask by Otsu's level: the dark side, or the light side when ``inverted``.

    A uniform image has no ink.
    """
    if gray.size == 0 or gray.min() == gray.max():
        return np.zeros(gray.shape, bool)
    dark = gray <= otsu_level(gray)
    return ~dark if inverted else dark


def components(ink: np.ndarray, connectivity: int = 8, depth: bool = True) -> Components:
    """The connected components of a boolean ink mask, with their statistics.

    ``connectivity`` 8 joins pixels that touch by a corner, 4 only by an edge. The labels are
    16-bit while they fit, and the distance transform runs in bands of rows (see :func:`_depths`),
    so the working set stays near 3 bytes a pixel. ``depth=False`` skips the distance transform,
    half the time, for callers that need only boxes, areas and pixels: ``thickness`` is then NaN
    and there are no ridge pixels.
    """
    mask = ink.astype(bool, copy=False).view(np.uint8)
    rows, columns = mask.shape
    if mask.size == 0:  # OpenCV does not take empty images
        none, flat = np.zeros(0), np.zeros(0, np.int32)
        return Components((rows, columns), none, none, none, none, none, none, none, none,
                          flat, flat, flat, np.zeros(0, np.float32))  # fmt: skip
    mask = np.ascontiguousarray(mask)
    try:
        count, labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=connectivity,
                                                                          ltype=cv2.CV_16U)  # fmt: skip
    except cv2.error:  # more than 65,534 components
        count, labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=connectivity)
    where = _ink_indices(mask)
    which: np.ndarray = labels.ravel()[where]
    del labels
    if depth:
        thickness, ridge_which, ridge_depth = _thickness(mask, where, which, count)
    else:
        thickness, ridge_which, ridge_depth = np.full(count - 1, np.nan), which[:0], np.zeros(0, np.float32)
    return Components(
        shape=(rows, columns),
        x=stats[1:, cv2.CC_STAT_LEFT],
        y=stats[1:, cv2.CC_STAT_TOP],
        width=stats[1:, cv2.CC_STAT_WIDTH],
        height=stats[1:, cv2.CC_STAT_HEIGHT],
        area=stats[1:, cv2.CC_STAT_AREA],
        thickness=thickness,
        cx=centroids[1:, 0],
        cy=centroids[1:, 1],
        where=where,
        which=which,
        ridge_which=ridge_which,
        ridge_depth=ridge_depth,
    )


def _thickness(
    mask: np.ndarray, where: np.ndarray, which: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each component's thickness, and the labels and depths of the ridge pixels (see :func:`_depths`).

    A component's deepest pixel is a local maximum of the distance, a ridge pixel, unless it is
    at the cap: so the maximum is taken over the ridge, a small share of the ink.
    """
    depth, ridge = _depths(mask, where)
    ridge_which, ridge_depth = which[ridge], depth[ridge]
    peak = np.zeros(count, np.float32)
    np.maximum.at(peak, ridge_which, ridge_depth)
    peak[which[depth >= DEPTH_CAP]] = DEPTH_CAP
    return np.maximum(2 * peak[1:].astype(np.float64) - 1, 1), ridge_which, ridge_depth


def row_bands(shape: tuple[int, ...], margin: int = 0) -> Iterator[tuple[int, int, int, int]]:
    """Bands of rows covering an image of ``shape``, for work whose page-sized temporaries would be
    several times the page: ``(top, bottom, above, below)``, the band's rows and, for a filter that
    reaches ``margin`` rows, those rows with ``margin`` more each side (within the image)."""
    rows, columns = shape[:2]
    band = max(BAND_ROWS, BAND_PIXELS // max(columns, 1))
    for top in range(0, rows, band):
        bottom = min(top + band, rows)
        yield top, bottom, max(top - margin, 0), min(bottom + margin, rows)


def _ink_indices(mask: np.ndarray) -> np.ndarray:
    """The flat indices of a uint8 mask's nonzero pixels, ascending: int32 when they fit, found band
    by band (OpenCV's ``findNonZero`` is twice as fast as numpy's) into one array, so that neither an
    int64 array of them all nor a second copy is made."""
    columns = mask.shape[1]
    if mask.size >= 2**31:
        return np.flatnonzero(mask)
    where, filled = np.empty(cv2.countNonZero(mask), np.int32), 0
    for top, bottom, _, _ in row_bands(mask.shape):
        points = cv2.findNonZero(mask[top:bottom])  # (x, y) pairs, or None
        if points is not None:
            points = points.reshape(-1, 2)
            band = where[filled : filled + len(points)]
            np.multiply(points[:, 1] + np.int32(top), np.int32(columns), out=band)
            np.add(band, points[:, 0], out=band)
            filled += len(points)
    return where


def _depths(mask: np.ndarray, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each ink pixel's distance to the paper (float32, at most ``DEPTH_CAP``) and whether it is on a
    ridge (a local maximum of the distance below the cap), for the ink pixels at flat ``where``.

    The distance transform runs band by band (:func:`row_bands`) with ``DEPTH_CAP`` rows more on
    each side: no paper beyond them is nearer than the cap, so every distance below it is what the
    whole page would give, and the float32 images stay the size of a band. The area outside the
    image counts as ink, as in OpenCV.
    """
    columns = mask.shape[1]
    depth, ridge = np.empty(where.size, np.float32), np.empty(where.size, bool)
    for top, bottom, above, below in row_bands(mask.shape, DEPTH_CAP):
        first, last = np.searchsorted(where, np.array((top, bottom), where.dtype) * columns)
        if first == last:
            continue
        distance = cv2.distanceTransform(mask[above:below], cv2.DIST_L2, 5)
        np.minimum(distance, DEPTH_CAP, out=distance)  # ink with no paper in the band reads FLT_MAX
        highest = cv2.dilate(distance, np.ones((3, 3), np.uint8))
        local = where[first:last] - above * columns
        depth[first:last] = distance.ravel()[local]
        ridge[first:last] = (highest.ravel()[local] <= depth[first:last]) & (depth[first:last] < DEPTH_CAP)
    return depth, ridge


def glyph_like(parts: Components, shape: tuple[int, ...]) -> np.ndarray:
    """Which components look like glyphs: elongated strokes, not blobs, rules or page-sized areas."""
    length, short = parts.length, np.minimum(parts.width, parts.height)
    glyph: np.ndarray = (
        (length >= ELONGATED * parts.thickness)
        & (length <= RULE_ASPECT * np.maximum(short, parts.thickness))
        & (parts.height < 0.9 * shape[0] + 1)
        & (parts.area < 0.25 * shape[0] * shape[1])
    )
    return glyph


def text_strokes(parts: Components, shape: tuple[int, ...]) -> tuple[np.ndarray, float | None, float | None]:
    """The glyph-like components, their stroke width and their stem width (px; None without any).

    Both widths come from the distance transform along the ridges of the glyphs, as ``2 * d - 1``.
    The stroke width takes the upper quartile of ``d`` over the ridge pixels, every length of stroke
    counting alike (stroke ends and curves taper, so the median under-reads). The stem width
    weights each ridge pixel by its ``d``, by the ink it stands for, so that fuzz, hairlines and
    scratches, which have long ridges but little ink, barely count: on clean print the two agree.
    Solid areas (photos, logos, black margins) can be elongated too; a component more than ``SOLID``
    times thicker than the stroke width is dropped and the widths measured again without it.
    """
    glyph = glyph_like(parts, shape)
    if not glyph.any():
        return glyph, None, None
    ridge_labels, ridge_values = parts.ridge_which, parts.ridge_depth.astype(np.float64)
    stroke = stem = None
    for _ in range(2):
        values = ridge_values[np.concatenate(([False], glyph))[ridge_labels]]
        if values.size == 0:
            return glyph, None, None
        stroke = max(1.0, 2 * float(np.percentile(values, 75)) - 1)
        ordered = np.sort(values)
        cumulative = np.cumsum(ordered)
        stem = max(1.0, 2 * float(ordered[np.searchsorted(cumulative, 0.75 * cumulative[-1])]) - 1)
        glyph = glyph & (parts.thickness <= SOLID * stroke)
    return glyph, stroke, stem


def dust(parts: Components, glyph: np.ndarray, stroke: float) -> np.ndarray:
    """Which components are dust: not glyphs, and smaller than a dab of the pen, or thinner than half
    a stroke.

    The pen is the stroke width less one pixel (binarisation makes widths uncertain by a pixel);
    a dab of it is ``PEN_DAB`` pen widths squared: periods and i-dots are at least that big.
    """
    pen = stroke - 1
    small: np.ndarray = (~glyph & (parts.area < PEN_DAB * pen * pen)) | (parts.thickness < stroke / 2)
    return small


def char_height(parts: Components, glyph: np.ndarray) -> float | None:
    """Area-weighted median height (px) of the glyph-like components."""
    if not glyph.any():
        return None
    heights, weights = parts.height[glyph], parts.area[glyph].astype(np.float64)
    order = np.argsort(heights, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(heights[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def text_line_rows(parts: Components, glyph: np.ndarray, height: float, rows: int) -> np.ndarray:
    """Which of ``rows`` image rows hold a line of text: a boolean array, one entry per row.

    A row holds text where the boxes of two or more glyph-like components of text size (0.5 to 2
    character heights tall) overlap it: a line of text has many glyphs side by side, a lone scratch
    has none beside it. The rows are widened by a quarter of a character height up and down, where
    accents, commas and descenders reach.
    """
    text = glyph & (parts.height >= 0.5 * height) & (parts.height <= 2 * height)
    coverage = np.zeros(rows + 1, np.int32)
    np.add.at(coverage, parts.y[text], 1)
    np.add.at(coverage, np.minimum(parts.y[text] + parts.height[text], rows), -1)
    lines: np.ndarray = (np.cumsum(coverage)[:rows] >= 2).astype(np.uint8).reshape(-1, 1)
    reach = round(0.25 * height)
    if reach and lines.any():
        lines = cv2.dilate(lines, np.ones((2 * reach + 1, 1), np.uint8))
    return lines.ravel().astype(bool)


def dot_pitch(parts: Components, glyph: np.ndarray) -> float | None:
    """Centre-to-centre distance of neighbouring dots (px) when the ink is dot-matrix print, else None.

    Dot-matrix print: at least ``MIN_DOTS`` round dots of one size, making up most components; the
    nearest neighbour of most dots sits at the same distance (a regular pitch, unlike scattered
    specks), no further than four dot widths; and closing the gaps joins the dots into clusters of
    four or more dots on average (glyphs, unlike a lone row of dots).
    """
    dots = ~glyph & (parts.area >= 2)
    n = int(np.count_nonzero(dots))
    if n < MIN_DOTS or n < 0.6 * parts.count:
        return None
    area = parts.area[dots].astype(np.float64)
    low, high = np.percentile(area, [25, 75])
    if high > 2 * low:
        return None
    centres = np.column_stack((parts.cx[dots], parts.cy[dots]))
    nearest = scipy.spatial.cKDTree(centres).query(centres, k=2)[0][:, 1]
    pitch = float(np.median(nearest))
    regular = np.mean(np.abs(nearest - pitch) <= 0.25 * pitch)
    diameter = float(np.median(parts.thickness[dots]))
    if regular < 0.7 or pitch > 4 * max(diameter, 1.0):
        return None
    joined = components(
        join_gaps(parts.paint(np.ones(parts.count, bool), False), pitch, diameter), depth=False
    )
    if n / max(joined.count, 1) < 4:
        return None
    return pitch


def join_gaps(ink: np.ndarray, pitch: float, dot: float) -> np.ndarray:
    """Join dots of ``dot`` px diameter set ``pitch`` px apart on a grid: a boolean ink mask.

    Every dot is grown to a disk of radius 0.75 pitch, so that diagonal neighbours (0.71 pitch
    from their midpoint) overlap, then shrunk back by half the growth to thin the strokes. The
    counters of dot-matrix glyphs, one empty row or column wide (two pitches between dot centres),
    stay open.
    """
    grow = max(0.75 * pitch - max(dot, 1.0) / 2, 0.5)
    mask = cv2.dilate(ink.astype(np.uint8), disk_kernel(grow))
    joined: np.ndarray = cv2.erode(mask, disk_kernel(grow / 2), borderType=cv2.BORDER_REPLICATE) > 0
    return joined


def disk_kernel(radius: float) -> np.ndarray:
    """A disk of ``radius`` pixels (rounded up) as an OpenCV structuring element."""
    side = 2 * int(np.ceil(radius)) + 1
    disk: np.ndarray = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    return disk


def _no_text(shape: tuple[int, ...], dpi: int | None, inverted: bool) -> ScanMeasure:
    return ScanMeasure(
        width=int(shape[1]),
        height=int(shape[0]),
        dpi=dpi,
        inverted=inverted,
        stroke_width=None,
        stem_width=None,
        char_height=None,
        glyphs=0,
        specks=0,
        dot_matrix=False,
        dot_pitch=None,
        ink_fraction=0.0,
    )


def _pieces(mask: np.ndarray) -> int:
    """Connected pieces of a boolean mask with 4 pixels or more."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return int(np.count_nonzero(stats[1:, cv2.CC_STAT_AREA] >= 4))


def _check(gray: np.ndarray) -> None:
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError(f"expected a 2-D uint8 gray image, got a {gray.ndim}-D {gray.dtype} array")
