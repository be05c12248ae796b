"""Generate the synthetic speckled scans used to test and demo ocrprep.

Writes, next to this file, 300-dpi grayscale PNGs plus a ``<stem>.gt.txt``
ground-truth file for each:

* 18 one-line digit scans (``invoice_*``, ``date_*``, ``amount_*``,
  ``phone_*``, ``time_*``) covered in speckle of several sizes: isolated black
  and dark-gray dots (radius 0.5-3 px), small black blots, gray smudges and thin
  hairline scratches, with extra dots just above and below the text line, which
  is where ``tesseract --psm 7`` goes wrong most.  Every scan also has dust
  where Tesseract looks for punctuation: two dots at cap height before the
  first glyph (read as an opening quote) and one on the baseline after the last
  (read as a full stop), radius 3.8-4.5 px.
* Noise level runs from 0 (light) to 1 (heavy); the speck count grows with
  ``level ** 2.5``, so it stays light up to about the middle and then climbs
  steeply.  Light scans have few enough specks that raw Tesseract reads the
  digits with stray punctuation or wrong digits; heavy ones have so many that
  Tesseract takes the whole line for noise and returns nothing (its row noise
  filter drops a row with about six small blobs per normal-sized one).  So the
  raw error rate is spread, not all 100%, and the cleanup helps on every scan.
* 4 speckled one-line English sentences with digits (``text_*``).
* ``blobs_*``: one line of digits with round blobs far thicker than its strokes above, below and
  past the ends of the line, the marks ``remove-off-line`` is for.
* ``grain_*``: two lines of text under salt-and-pepper grain (8 % of the pixels flipped), what
  ``remove-impulse`` is for.
* ``clean_page.png``: several lines of plain text with no noise, to check that
  cleaning does not damage a scan that needs no cleaning.
* Scans sized in points, not pixels (``make_physical_scans``): three amounts with commas and
  decimal points at 150, 300 and 600 dpi (``dpi_<dpi>_amount_<n>``), two 8.5 pt lines of
  punctuation-heavy amounts (``small_text_*``) and two light-on-dark lines (``inverse_*``).  Their
  dust has a fixed physical size, as small as the full stops, and keeps off the text's row.

Text is drawn in Pillow's bundled font (``ImageFont.load_default``) so the
output does not depend on the fonts installed on a machine.  It is large
(digits about 90 px high, strokes about 12 px wide) so the naive cleaning
recipe (threshold at 160, opening with a radius-1 disk, dropping ink components
under 100 px) keeps every glyph, decimal points included, while every speck is
smaller than that.  Specks keep clear of the text and of each other, so none of
them can survive the recipe by merging into something bigger.

Output is deterministic (fixed seeds); byte-identical files also need the same
Pillow/FreeType version.  Run ``python sample_scans/make_samples.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.random import Generator
from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT_DIR = Path(__file__).resolve().parent
SEED = 20240315
DPI = (300, 300)
MARGIN = 70
PAPER, INK = 243.0, 25.0

Area = tuple[tuple[int, int], tuple[int, int]]  # ((first row, last row), (first col, last col))

# (stem, text, noise level from 0 = light to 1 = heavy)
DIGIT_SCANS: list[tuple[str, str, float]] = [
    ("invoice_01", "40417-2291", 0.0),
    ("invoice_02", "No. 2024-00173", 0.5),
    ("invoice_03", "#731-0042", 0.8),
    ("invoice_04", "INV 58820", 0.3),
    ("date_01", "2024-03-15", 0.2),
    ("date_02", "15/03/2024", 0.6),
    ("date_03", "03.11.2023", 1.0),
    ("date_04", "2023-12-31", 0.4),
    ("amount_01", "1,234.56", 0.1),
    ("amount_02", "98,400.00", 0.7),
    ("amount_03", "0.75", 0.9),
    ("amount_04", "3,141,592.65", 0.45),
    ("phone_01", "+1 555-0142", 0.25),
    ("phone_02", "(555) 867-5309", 0.65),
    ("phone_03", "+44 20 7946 0958", 0.95),
    ("time_01", "12:45", 0.15),
    ("time_02", "08:05:30", 0.55),
    ("time_03", "23:59", 0.85),
]
TEXT_LINES: list[tuple[str, str, float]] = [
    ("text_01", "Order 42 ships on 15 May.", 0.3),
    ("text_02", "Call us at 555-0142 today.", 0.6),
    ("text_03", "Room 7B seats 120 people.", 0.8),
    ("text_04", "Paid 3 of 12 bills in full.", 1.0),
]
CLEAN_PAGE: list[str] = [
    "Meeting notes, 14 June 2024",
    "Budget: 5,200 dollars.",
    "Next review is in 3 weeks.",
    "Bring the signed forms.",
]


def render(lines: list[str], size: int, rng: Generator) -> tuple[np.ndarray, np.ndarray, int]:
    """Draw dark text on noisy light-gray paper.

    Returns the image, the text coverage (0-1) and the row of the first baseline.
    """
    font = ImageFont.load_default(size=size)
    assert isinstance(font, ImageFont.FreeTypeFont), "Pillow needs FreeType for a sized font"
    step, cap = round(size * 1.3), -int(font.getbbox("0", anchor="ls")[1])
    width = max(round(font.getlength(line)) for line in lines) + 2 * MARGIN
    height = 2 * MARGIN + cap + step * (len(lines) - 1) + font.getmetrics()[1]
    cover = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(cover)
    for i, line in enumerate(lines):
        xy = (MARGIN, MARGIN + cap + i * step)
        draw.text(xy, line, fill=255, font=font, anchor="ls", stroke_width=1, stroke_fill=255)
    alpha = np.asarray(cover, dtype=np.float64) / 255.0
    paper = PAPER + rng.normal(0.0, 2.5, alpha.shape)
    return paper * (1.0 - alpha) + INK * alpha, alpha, MARGIN + cap


def speckle(text: np.ndarray, baseline: int, level: float, rng: Generator) -> np.ndarray:
    """Make a speck layer (white where clean): dots, blots, smudges, hairlines clear of ``text``."""
    height, width = text.shape
    top, right = int(np.flatnonzero(text.any(axis=1))[0]), int(np.flatnonzero(text.any(axis=0))[-1])
    taken = np.asarray(Image.fromarray(text > 0).convert("L").filter(ImageFilter.MaxFilter(7))) > 0
    layer = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(layer)
    everywhere = (0, height), (0, width)

    def place(area: Area, reach: int) -> tuple[float, float] | None:
        """Pick a free spot in ``((y0, y1), (x0, x1))`` and reserve it, or give up."""
        (y0, y1), (x0, x1) = area
        for _ in range(20):
            x = rng.uniform(max(x0, reach), min(x1, width - reach))
            y = rng.uniform(max(y0, reach), min(y1, height - reach))
            row, col = int(y), int(x)
            box = slice(row - reach, row + reach + 1), slice(col - reach, col + reach + 1)
            if not taken[box].any():
                taken[box] = True
                return x, y
        return None

    def dot(area: Area) -> None:
        """A round speck, black or dark gray, radius 0.5-3 px."""
        r = rng.uniform(0.5, 3.0)
        shade = int(rng.integers(0, 40)) if rng.random() < 0.6 else int(rng.integers(60, 140))
        if spot := place(area, 4):
            draw.ellipse((spot[0] - r, spot[1] - r, spot[0] + r, spot[1] + r), fill=shade)

    def blot(area: Area) -> None:
        """A black dust blot of at most about 80 px, like a small full stop."""
        rx, ry = rng.uniform(2.5, 4.5, 2)
        shade = int(rng.integers(0, 40))
        if spot := place(area, 6):
            draw.ellipse((spot[0] - rx, spot[1] - ry, spot[0] + rx, spot[1] + ry), fill=shade)

    def smudge(area: Area) -> None:
        """A small cluster of overlapping gray blobs, some too light to survive thresholding."""
        shade, count = int(rng.integers(90, 200)), int(rng.integers(3, 6))
        if spot := place(area, 6):
            for x, y in spot + rng.uniform(-2.5, 2.5, (count, 2)):
                r = rng.uniform(1.0, 2.0)
                draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)

    def hairline(area: Area) -> None:
        """A thin 1 px scratch, 15-50 px long."""
        length, angle = rng.uniform(15, 50), rng.uniform(0, np.pi)
        dx, dy = length / 2 * np.cos(angle), length / 2 * np.sin(angle)
        shade = int(rng.integers(30, 130))
        if spot := place(area, int(length / 2) + 2):
            draw.line((spot[0] - dx, spot[1] - dy, spot[0] + dx, spot[1] + dy), fill=shade, width=1)

    def stray(x: float, y: float, r: float) -> None:
        """A black dot of radius ``r`` (at most 4.5 px: under 80 px) within 2 px of ``(x, y)``."""
        if spot := place(((y - 1, y + 1), (x - 2, x + 2)), 5):
            shade = int(rng.integers(0, 30))
            draw.ellipse((spot[0] - r, spot[1] - r, spot[0] + r, spot[1] + r), fill=shade)

    band = (baseline - top) // 2
    above, below = (
        ((top - band, top - 4), (0, width)),
        ((baseline + 4, baseline + band), (0, width)),
    )
    in_line, on_baseline = ((top, baseline), (0, width)), ((baseline - 15, baseline), (0, width))
    left = int(np.flatnonzero(text.any(axis=0))[0])
    # Dust where punctuation goes, placed first so it always finds room: an opening quote made of
    # two dots at cap height before the first glyph, and a full stop after the last glyph.
    r = rng.uniform(3.8, 4.5)
    stray(left - 12 - r, top + r + 2, r)
    stray(left - 18 - 3 * r, top + r + 2, r)
    r = rng.uniform(3.8, 4.5)
    stray(right + 12 + r, baseline - r, r)
    scale, ramp = width * height / 250_000, level**2.5
    recipe = [  # (speck kind, where, count at level 0, extra count at level 1)
        (dot, everywhere, 4, 260),
        (dot, above, 4, 40),
        (dot, below, 4, 40),
        (dot, in_line, 8, 20),
        (blot, on_baseline, 3, 8),
        (blot, ((top - band, baseline + band), (0, width)), 3, 8),
        (smudge, everywhere, 2, 20),
        (hairline, everywhere, 0, 8),
    ]
    for kind, area, base, extra in recipe:
        for _ in range(round(scale * (base + extra * ramp))):
            kind(area)
    return np.asarray(layer, dtype=np.float64)


def save(stem: str, image: np.ndarray, text: str, dpi: int = DPI[0]) -> None:
    """Write ``<stem>.png`` (8-bit gray, 300 dpi unless told) and ``<stem>.gt.txt``."""
    pixels = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(OUT_DIR / f"{stem}.png", dpi=(dpi, dpi))
    (OUT_DIR / f"{stem}.gt.txt").write_text(text + "\n", encoding="utf-8")


# Scans whose size is fixed in physical units (points) rather than pixels: the same line of text
# at several resolutions, small text, and light text on a dark background.  They come after the
# scans above and use their own seeds, so adding them changed none of the older files.
PHYSICAL_SEED = 20240316
AMOUNTS = ["1,234.56", "12,045.90", "3,210.07"]
AMOUNT_DPIS = (150, 300, 600)
AMOUNT_POINTS = 16.0
"""Font size of the ``dpi_*`` amounts; their digits are about 12 pt (1/6 inch) high."""
SMALL_TEXT = [
    ("small_text_1", "Subtotal: 1,234.56; tax 7.5%: 92.59."),
    ("small_text_2", "Net 2,310.00, fee 0.75%: 17.33; due: 2,327.33."),
]
SMALL_POINTS = 8.5
INVERSE = [
    ("inverse_1", "4,096.25"),
    ("inverse_2", "Paid 1,250.00 on 03/15."),
]
INVERSE_POINTS = 14.0
INVERSE_PAPER, INVERSE_INK = 62.0, 228.0
AMOUNT_LEVEL, SMALL_LEVEL, INVERSE_LEVEL = 0.9, 0.7, 1.0
"""Noise levels (as in ``speckle``) of the ``dpi_*``, ``small_text_*`` and ``inverse_*`` scans."""


def render_points(
    text: str, points: float, dpi: int, rng: Generator, paper: float = PAPER, ink: float = INK
) -> tuple[np.ndarray, np.ndarray, int]:
    """Draw one line ``points`` pt high at ``dpi``, with margins of a fixed physical size.

    Returns the image, the text coverage (0-1) and the row of the baseline.
    """
    font = ImageFont.load_default(size=round(points / 72 * dpi))
    assert isinstance(font, ImageFont.FreeTypeFont), "Pillow needs FreeType for a sized font"
    margin, cap = round(MARGIN * dpi / 300), -int(font.getbbox("0", anchor="ls")[1])
    width = round(font.getlength(text)) + 2 * margin
    height = 2 * margin + cap + font.getmetrics()[1]
    cover = Image.new("L", (width, height), 0)
    ImageDraw.Draw(cover).text((margin, margin + cap), text, fill=255, font=font, anchor="ls")
    alpha = np.asarray(cover, dtype=np.float64) / 255.0
    background = paper + rng.normal(0.0, 2.5, alpha.shape)
    return background * (1.0 - alpha) + ink * alpha, alpha, margin + cap


def dust(
    text: np.ndarray, baseline: int, dpi: int, level: float, light: float, rng: Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Dust of a fixed physical size (a 300-dpi pixel is 1/300 inch) kept off the text line.

    Specks are as small as the text's full stops and commas, so only their place tells them
    apart: none lands in the text's row (cap height to baseline, plus half of that on
    each side), where punctuation goes; they sit above and below it and in the margins.
    A share ``light`` of them is light instead of dark.  Returns a dark layer (white
    where clean) and a light layer (black where clean).
    """
    k = dpi / 300
    height, width = text.shape
    rows = np.flatnonzero(text.any(axis=1))
    top = int(rows[0])
    cap = baseline - top
    taken = np.zeros((height, width), dtype=bool)
    gap = max(2, round(cap * 0.5))
    taken[top - gap : baseline + gap, :] = True
    dark, bright = Image.new("L", (width, height), 255), Image.new("L", (width, height), 0)
    draws = ImageDraw.Draw(dark), ImageDraw.Draw(bright)

    def place(area: Area, reach: int) -> tuple[float, float] | None:
        (y0, y1), (x0, x1) = area
        for _ in range(20):
            x = rng.uniform(max(x0, reach), max(min(x1, width - reach), reach + 1))
            y = rng.uniform(max(y0, reach), max(min(y1, height - reach), reach + 1))
            box = slice(int(y) - reach, int(y) + reach + 1), slice(int(x) - reach, int(x) + reach + 1)
            if not taken[box].any():
                taken[box] = True
                return x, y
        return None

    def ink(shade: int) -> tuple[ImageDraw.ImageDraw, int]:
        return (draws[1], 255 - shade) if rng.random() < light else (draws[0], shade)

    def dot(area: Area, r: float) -> None:
        draw, shade = ink(int(rng.integers(0, 40)) if rng.random() < 0.6 else int(rng.integers(60, 140)))
        if spot := place(area, int(r + 3 * k) + 1):
            draw.ellipse((spot[0] - r, spot[1] - r, spot[0] + r, spot[1] + r), fill=shade)

    def hairline(area: Area) -> None:
        length, angle = rng.uniform(15, 50) * k, rng.uniform(0, np.pi)
        dx, dy = length / 2 * np.cos(angle), length / 2 * np.sin(angle)
        draw, shade = ink(int(rng.integers(30, 130)))
        if spot := place(area, int(length / 2) + 2):
            xy = (spot[0] - dx, spot[1] - dy, spot[0] + dx, spot[1] + dy)
            draw.line(xy, fill=shade, width=max(1, round(k)))

    band = (max(0, top - cap), top - gap), (baseline + gap, min(height, baseline + cap))
    everywhere = (0, height), (0, width)
    scale, ramp = width * height / 250_000 / k**2, level**2.5
    recipe = [  # (where, radius range in 300-dpi pixels, count at level 0, extra count at level 1)
        (everywhere, (0.5, 3.0), 4, 260),
        (everywhere, (2.5, 4.5), 3, 16),
        ((band[0], (0, width)), (0.5, 3.0), 6, 40),
        ((band[1], (0, width)), (0.5, 3.0), 6, 40),
        ((band[0], (0, width)), (2.5, 4.5), 2, 8),
        ((band[1], (0, width)), (2.5, 4.5), 2, 8),
    ]
    for area, (low, high), base, extra in recipe:
        for _ in range(round(scale * (base + extra * ramp))):
            dot(area, rng.uniform(low, high) * k)
    for _ in range(round(scale * 8 * ramp)):
        hairline(everywhere)
    return np.asarray(dark, dtype=np.float64), np.asarray(bright, dtype=np.float64)


def dusty(
    text: str, points: float, dpi: int, level: float, rng: Generator, inverse: bool = False
) -> np.ndarray:
    """One line of ``text`` at ``points`` pt and ``dpi``, dusted (light on dark when ``inverse``)."""
    paper, ink = (INVERSE_PAPER, INVERSE_INK) if inverse else (PAPER, INK)
    image, cover, baseline = render_points(text, points, dpi, rng, paper, ink)
    dark, bright = dust(cover, baseline, dpi, level, 0.5 if inverse else 0.0, rng)
    return np.maximum(np.minimum(image, dark), bright)


def make_physical_scans() -> None:
    """Write the ``dpi_*``, ``small_text_*`` and ``inverse_*`` scans and their ground truth."""
    for d, dpi in enumerate(AMOUNT_DPIS):
        for a, amount in enumerate(AMOUNTS, start=1):
            rng = np.random.default_rng([PHYSICAL_SEED, d, a])
            save(f"dpi_{dpi}_amount_{a}", dusty(amount, AMOUNT_POINTS, dpi, AMOUNT_LEVEL, rng), amount, dpi)
    for i, (stem, text) in enumerate(SMALL_TEXT):
        rng = np.random.default_rng([PHYSICAL_SEED, 10, i])
        save(stem, dusty(text, SMALL_POINTS, 300, SMALL_LEVEL, rng), text)
    for i, (stem, text) in enumerate(INVERSE):
        rng = np.random.default_rng([PHYSICAL_SEED, 20, i])
        save(stem, dusty(text, INVERSE_POINTS, 300, INVERSE_LEVEL, rng, inverse=True), text)


# Scans of the kinds the later stages are for, with their own seeds (older files stay the same).
KINDS_SEED = 20261202
BLOB_LINES = [("blobs_1", "2024-07-04"), ("blobs_2", "1,870.25"), ("blobs_3", "06:45:10")]
"""One line of digits with round blobs far thicker than its strokes above, below and beyond it."""


def blotted(text: str, rng: Generator) -> np.ndarray:
    """``text`` at 124 px with 3-5 blobs of 14-20 px radius off its line and past its ends."""
    image, cover, baseline = render([text], 124, rng)
    rows, columns = np.flatnonzero(cover.any(axis=1)), np.flatnonzero(cover.any(axis=0))
    height, width = cover.shape
    layer = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(layer)
    places = [
        (rng.uniform(columns[0], columns[-1]), rng.uniform(18, rows[0] - 22)),  # above
        (rng.uniform(columns[0], columns[-1]), rng.uniform(rows[-1] + 22, height - 18)),  # below
        (rng.uniform(18, columns[0] - 22), rng.uniform(rows[0], baseline)),  # before
        (rng.uniform(columns[-1] + 22, width - 18), rng.uniform(rows[0], baseline)),  # after
    ]
    for x, y in places[: int(rng.integers(3, 5))]:
        r = rng.uniform(14, 20)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=int(rng.integers(15, 45)))
    return np.minimum(image, np.asarray(layer, dtype=np.float64))


GRAIN_PAGES = [
    ("grain_1", ["Paid in full on 12 March", "Account 4471-22"]),
    ("grain_2", ["Received with thanks", "Ref. 88310 / 2025"]),
    ("grain_3", ["Balance due 1,204.50", "Terms: net 30 days"]),
]
"""Two lines of text under salt-and-pepper grain: lone dark pixels on the paper, light ones in the ink."""
GRAIN = 0.08
"""Share of the pixels flipped, half to dark and half to white."""


def grained(lines: list[str], rng: Generator) -> np.ndarray:
    """``lines`` at 40 px with ``GRAIN`` of the pixels made dark (0-40) or white at random."""
    image, _, _ = render(lines, 40, rng)
    draw = rng.random(image.shape)
    pepper, salt = draw < GRAIN / 2, (draw >= GRAIN / 2) & (draw < GRAIN)
    return np.where(pepper, rng.uniform(0, 40, image.shape), np.where(salt, 255.0, image))


FADED_PAGES = [
    ("faded_1", ["TOTAL 12.50", "CASH 20.00 CHANGE 7.50"]),
    ("faded_2", ["Thank you, come again", "Served by Anna at 14:05"]),
    ("faded_3", ["2 x Coffee 6.40", "1 x Bagel 3.10"]),
]
"""Two lines of faded thermal print beside a black torn edge and a few black dots."""


def faded(lines: list[str], rng: Generator) -> np.ndarray:
    """``lines`` at 40 px printed light gray (ink 165-200 on paper 240-250), with a ragged black
    edge down the left side and three black dots: Otsu's level falls between the black and the
    gray, and the letters go white."""
    _, alpha, _ = render(lines, 40, rng)
    ink, paper = rng.uniform(165, 200), rng.uniform(240, 250)
    page = paper + rng.normal(0.0, 2.0, alpha.shape) - alpha * (paper - ink)
    edge = 8 + rng.integers(0, 6, alpha.shape[0]).cumsum() % 9
    page[np.arange(alpha.shape[1])[None, :] < edge[:, None]] = 0
    layer = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(layer)
    for _ in range(3):
        x, y = rng.uniform(40, alpha.shape[1] - 5), rng.uniform(5, alpha.shape[0] - 5)
        draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=0)
    return np.asarray(layer, dtype=np.float64)


def make_kinds() -> None:
    """Write the ``blobs_*``, ``grain_*`` and ``faded_*`` scans and their ground truth."""
    for i, (stem, text) in enumerate(BLOB_LINES):
        save(stem, blotted(text, np.random.default_rng([KINDS_SEED, i])), text)
    for i, (stem, lines) in enumerate(GRAIN_PAGES):
        save(stem, grained(lines, np.random.default_rng([KINDS_SEED, 100 + i])), "\n".join(lines))
    for i, (stem, lines) in enumerate(FADED_PAGES):
        save(stem, faded(lines, np.random.default_rng([KINDS_SEED, 200 + i])), "\n".join(lines))


def main() -> None:
    """Regenerate every sample scan and its ground truth."""
    for index, (stem, text, level) in enumerate(DIGIT_SCANS + TEXT_LINES):
        rng = np.random.default_rng([SEED, index])
        size = 124 if stem.startswith(("invoice", "date", "amount", "phone", "time")) else 104
        image, cover, baseline = render([text], size, rng)
        save(stem, np.minimum(image, speckle(cover, baseline, level, rng)), text)
    image, _, _ = render(CLEAN_PAGE, 100, np.random.default_rng([SEED, 99]))
    save("clean_page", image, "\n".join(CLEAN_PAGE))
    make_physical_scans()
    make_kinds()


if __name__ == "__main__":
    main()
