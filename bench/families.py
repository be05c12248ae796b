"""The image families of the accuracy benchmark (issue 12): generated from fixed seeds, plus real folders.

Every generated family renders its own text with Pillow and degrades it with its own models, written
with numpy, OpenCV and scikit-image. ``generate(split, count)`` is deterministic: sample ``i`` of the
``dev`` split uses seed ``i`` and the dev fonts; sample ``i`` of the ``test`` split uses seed
``10_000 + i`` and a different set of fonts. The random generator of a sample is seeded from the
family's name and that seed, so families never share noise. Font size and DPI vary per sample, and the
DPI given with a sample is the one the text was rendered at (points times DPI over 72). Dev fonts:
DejaVu Sans, Serif, Sans Mono and Sans Bold, Liberation Sans Narrow; test fonts: Liberation Sans, Serif
and Mono, DejaVu Sans Condensed and Serif Bold (monospace and bold families have their own pairs). A
font file missing on the machine falls back to Pillow's own font at the same size.

Text pages are blocks of 4-8 lines of mixed words, numbers and punctuation, about 3.5-5 inches wide
(about 1000-1600 px at 300 DPI), not full pages (small-text lines are 600-1100 px, receipts are
narrower). Digit families are one line (amounts, dates, invoice
and phone numbers, times). The ground truth is exactly the text drawn, lines in order joined by "\\n",
words separated by single spaces; marks that are not text (specks, rules, stamps, borders) are not
transcribed.

The generated families (``FAMILIES``):

- ``clean``: clean text pages, no degradation (Tesseract should read them almost perfectly).
- ``salt-pepper``: text pages with 2-8 % salt-and-pepper pixels (scikit-image) and dust blobs of
  1.5-4 px radius (at 300 DPI).
- ``digit-specks``: one digit string with specks everywhere and blobs on and off the text line, read in
  digit mode.
- ``digit-captcha``: 4-6 digits, each in its own font, rotated and shifted, a sinusoidal warp, thin noise
  curves through part of the line, specks and dots on a mottled background, read in digit mode.
- ``small-text``: x-height 8-15 px at 150-300 DPI, rendered 3x larger and scanned down one of three
  ways: at a still lower resolution and upscaled, thresholded as by a fax, or sampled without smoothing.
  Tesseract reads clean text of this size almost perfectly; the low resolution is what hurts.
- ``blur-jpeg``: Gaussian or motion blur, then JPEG at quality 5-30.
- ``phone-light``: uneven light as in phone photos: a gradient, a vignette, a soft shadow, gray ink, a
  slight perspective warp, sensor noise and JPEG.
- ``thermal``: faded thermal receipts (read with psm 6, as the real receipts): monospace lines, gray
  print fading along a gradient, thinned strokes, print-head dropout columns, gray paper.
- ``office-print``: ink bleed, faint strokes, mottled paper, dirty-roller streaks, faint ruled lines,
  JPEG.
- ``lines``: underlines, form rules, strike-throughs and wavy captcha lines through or under the text,
  one or two per text line, and sometimes vertical form rules through the block.
- ``dot-matrix``: glyphs printed as dots sampled on a grid, with uneven ribbon ink.
- ``hollow``: outlined (hollow) bold glyphs from a morphological gradient, half with a drop shadow.
- ``light-on-dark``: light text on a dark, uneven background with noise and JPEG.
- ``stamps-borders``: coloured rubber stamps (made gray) over the text, black scan borders with a
  ragged edge, punch holes, a slight rotation. The stamps' words are not transcribed.

``real_families(data)`` adds the folders of ``../shared/data`` (``sroie``, ``captcha_v2``,
``tesseract_test``) as families of their own; they have no dev/test split.

Run this file (``PYTHONPATH=src python bench/families.py [count]``) to print each generated family's
raw-Tesseract CER on its first dev samples: the check used to calibrate the degradation strengths.
"""

from __future__ import annotations

import shlex
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from skimage.util import random_noise

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Maker = Callable[[np.random.Generator, Sequence[str]], tuple[np.ndarray, int, str]]
"""Makes one sample from its random generator and the split's fonts: ``(image, dpi, truth)``."""

SPLITS = ("dev", "test")
TEST_SEED = 10_000
"""The first seed of the test split; the dev split uses seeds ``0 .. count - 1``."""

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/liberation"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
"""Where font files are looked for; a missing file falls back to Pillow's own font."""

DEV_FONTS = (
    "DejaVuSans.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSans-Bold.ttf",
    "LiberationSansNarrow-Regular.ttf",
)
TEST_FONTS = (
    "LiberationSans-Regular.ttf",
    "LiberationSerif-Regular.ttf",
    "LiberationMono-Regular.ttf",
    "DejaVuSansCondensed.ttf",
    "DejaVuSerif-Bold.ttf",
)
DEV_MONO = ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf")
TEST_MONO = ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf")
DEV_BOLD = ("DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSansMono-Bold.ttf")
TEST_BOLD = ("LiberationSans-Bold.ttf", "LiberationSerif-Bold.ttf", "DejaVuSansCondensed-Bold.ttf")

WORDS = (
    "the", "invoice", "total", "amount", "due", "date", "customer", "account", "number", "page",
    "order", "delivery", "address", "street", "payment", "received", "balance", "tax", "net", "price",
    "quantity", "item", "description", "please", "pay", "within", "days", "of", "and", "for", "to",
    "from", "with", "our", "your", "reference", "office", "report", "meeting", "project", "budget",
    "March", "April", "London", "Berlin", "Paris", "Company", "Ltd.", "Inc.", "Dear", "Sir,", "Madam,",
    "thank", "you", "note:", "see", "above.", "below;", "per", "unit", "discount", "shipping", "fee",
    "(incl.", "VAT)", "No.", "Tel.", "Fax", "e-mail", "www", "sales", "service", "hours", "open",
    "closed", "monday", "friday", "is", "in", "on", "at", "by", "or", "a", "an", "be", "this", "that",
    "will", "has", "been", "paid", "signed", "copy", "original", "final", "draft", "section", "table",
    "figure", "result", "value", "level", "water", "power", "system", "control", "market", "public",
)  # fmt: skip
"""Plain words, some with punctuation; ``_token`` mixes them with numbers."""

RECEIPT_ITEMS = (
    "COFFEE", "LATTE", "BREAD", "MILK", "EGGS", "RICE", "SUGAR", "TEA", "WATER", "JUICE", "SOAP",
    "APPLES", "CHEESE", "BUTTER", "PASTA", "TOMATO", "CHICKEN", "NOODLES", "SNACK", "BATTERY",
)  # fmt: skip
STAMP_WORDS = ("PAID", "RECEIVED", "COPY", "APPROVED", "ENTERED", "POSTED", "VOID", "CHECKED")


@dataclass(frozen=True)
class Sample:
    """One image of a family, with the text it shows."""

    name: str
    """Unique, e.g. ``"salt-pepper/test/007"``."""
    image: np.ndarray
    """2-D uint8 gray, 0 = ink."""
    dpi: int
    """The resolution to tell Tesseract."""
    truth: str
    """The text, lines joined by ``"\\n"``."""


def _no_generator(split: str, count: int) -> list[Sample]:
    raise TypeError("a Family needs a generate function")


@dataclass(frozen=True)
class Family:
    """A kind of image: how to read it and how to make (or load) its samples."""

    name: str
    description: str
    """One line for the report."""
    psm: int | None
    """Tesseract page segmentation mode for every method (None = Tesseract's default, 3)."""
    digits: bool = False
    """Read with ocrprep's digit mode (psm 7 and the whitelist ``0-9.,-/:`` and space)."""
    ignore_case: bool = False
    normalize_punctuation: bool = False
    generate: Callable[[str, int], list[Sample]] = _no_generator
    """``(split, count) -> samples``: ``split`` is ``"dev"`` or ``"test"``; deterministic."""
    real: bool = False
    """A folder of ``../shared/data`` rather than generated."""

    def __post_init__(self) -> None:
        if self.generate is _no_generator:
            raise TypeError(f"family {self.name!r} needs a generate function")


# Fonts and text ---------------------------------------------------------------------------------


def font_path(filename: str) -> Path | None:
    """The first ``FONT_DIRS`` entry holding ``filename``, or None when no folder has it."""
    for folder in FONT_DIRS:
        path = folder / filename
        if path.is_file():
            return path
    return None


def load_font(filename: str, size: int) -> Font:
    """``filename`` at ``size`` px; Pillow's own font at that size when the file is missing."""
    path = font_path(filename)
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(path), size)


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def amount(rng: np.random.Generator) -> str:
    """A money amount such as ``1,234.56`` or ``7.50``."""
    whole = int(rng.choice([rng.integers(0, 100), rng.integers(100, 10_000), rng.integers(10_000, 10**6)]))
    return f"{whole:,}.{int(rng.integers(100)):02d}"


def date(rng: np.random.Generator) -> str:
    """A date in one of the usual numeric forms."""
    year, month, day = int(rng.integers(1995, 2031)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    forms = (
        f"{year}-{month:02d}-{day:02d}",
        f"{day:02d}/{month:02d}/{year}",
        f"{day:02d}.{month:02d}.{year}",
    )
    return _pick(rng, forms)


def clock(rng: np.random.Generator) -> str:
    """A time of day, with or without seconds."""
    hours, minutes = int(rng.integers(24)), int(rng.integers(60))
    return f"{hours:02d}:{minutes:02d}" + (f":{int(rng.integers(60)):02d}" if rng.random() < 0.3 else "")


def digit_string(rng: np.random.Generator) -> str:
    """One digit field: an amount, a date, an invoice or phone number, or a time (digit-mode characters)."""
    kind = int(rng.integers(6))
    if kind == 0:
        return amount(rng)
    if kind == 1:
        return date(rng)
    if kind == 2:
        return f"{int(rng.integers(10_000, 99_999))}-{int(rng.integers(10_000, 99_999))}"
    if kind == 3:
        return f"{int(rng.integers(200, 999))}-{int(rng.integers(100, 999))}-{int(rng.integers(1000, 9999))}"
    if kind == 4:
        return clock(rng)
    return f"{date(rng)} {clock(rng)}"


def _token(rng: np.random.Generator) -> str:
    """A word or, one time in four, a number-like token."""
    if rng.random() < 0.75:
        return _pick(rng, WORDS)
    kind = int(rng.integers(6))
    if kind == 0:
        return amount(rng)
    if kind == 1:
        return date(rng)
    if kind == 2:
        return f"#{int(rng.integers(100, 99_999))}"
    if kind == 3:
        return f"{int(rng.integers(1, 100))}%"
    if kind == 4:
        return clock(rng)
    return str(int(rng.integers(1, 1000)))


def text_lines(rng: np.random.Generator, font: Font, width: int, count: int) -> list[str]:
    """``count`` lines of tokens, each as long as fits in ``width`` px (at least two tokens)."""
    lines = []
    for _ in range(count):
        words = [_token(rng), _token(rng)]
        while True:
            word = _token(rng)
            if font.getlength(" ".join([*words, word])) > width:
                break
            words.append(word)
        lines.append(" ".join(words))
    return lines


@dataclass(frozen=True)
class Layout:
    """Rendered lines: ink coverage (1.0 = ink) and where each line and word sits."""

    ink: np.ndarray
    """float32, 0.0 paper to 1.0 ink."""
    text: str
    baselines: tuple[int, ...]
    """The y of each line's baseline."""
    words: tuple[tuple[tuple[int, int], ...], ...]
    """Per line, the x span ``(start, end)`` of each word."""
    size: int
    """The font size in px."""
    x_height: int


def render(lines: Sequence[str], font: Font, margin: int, spacing: float = 1.4) -> Layout:
    """Draw ``lines`` top to bottom in ``font`` with ``margin`` px around them."""
    ascent, descent = font.getmetrics() if isinstance(font, ImageFont.FreeTypeFont) else (10, 3)
    size = ascent + descent
    pitch = round(size * spacing)
    width = round(max(font.getlength(line) for line in lines)) + 2 * margin
    height = pitch * (len(lines) - 1) + size + 2 * margin
    image = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(image)
    baselines = []
    spans = []
    for row, line in enumerate(lines):
        top = margin + row * pitch
        draw.text((margin, top), line, font=font, fill=255)
        baselines.append(top + ascent)
        line_spans = []
        start = 0
        for word in line.split(" "):
            x0 = margin + font.getlength(line[:start])
            line_spans.append((round(x0), round(x0 + font.getlength(word))))
            start += len(word) + 1
        spans.append(tuple(line_spans))
    box = font.getbbox("x")
    return Layout(
        ink=np.asarray(image, dtype=np.float32) / 255.0,
        text="\n".join(lines),
        baselines=tuple(baselines),
        words=tuple(spans),
        size=size,
        x_height=int(box[3] - box[1]),
    )


def text_page(
    rng: np.random.Generator,
    fonts: Sequence[str],
    dpi: int,
    points: tuple[float, float] = (9.0, 13.0),
    inches: tuple[float, float] = (3.5, 5.0),
    lines: tuple[int, int] = (4, 8),
    spacing: float = 1.4,
) -> Layout:
    """A block of 4-8 lines in a font of the split, its size in points at ``dpi``."""
    size = max(6, round(rng.uniform(*points) * dpi / 72))
    font = load_font(_pick(rng, fonts), size)
    width = round(rng.uniform(*inches) * dpi)
    count = int(rng.integers(lines[0], lines[1] + 1))
    return render(text_lines(rng, font, width, count), font, margin=round(0.25 * dpi), spacing=spacing)


# Degradation models -------------------------------------------------------------------------------


def to_gray(ink: np.ndarray, paper: float | np.ndarray = 255.0, ink_level: float = 0.0) -> np.ndarray:
    """Ink coverage as float gray: ``paper`` where there is no ink, ``ink_level`` under full ink."""
    return paper + (ink_level - paper) * ink


def to_uint8(gray: np.ndarray) -> np.ndarray:
    """Float gray rounded and clipped to uint8."""
    return np.clip(np.rint(gray), 0, 255).astype(np.uint8)


def smooth_noise(shape: tuple[int, int], rng: np.random.Generator, scale: float) -> np.ndarray:
    """Noise of unit deviation whose features are about ``scale`` px wide (upsampled white noise)."""
    height, width = shape
    step = max(1.0, scale)
    small = rng.standard_normal((int(height / step) + 3, int(width / step) + 3)).astype(np.float32)
    big = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    return (big - big.mean()) / (big.std() + 1e-6)


def salt_and_pepper(gray: np.ndarray, rng: np.random.Generator, amount: float) -> np.ndarray:
    """``amount`` of the pixels set to black or white (half each), with scikit-image's ``random_noise``."""
    noisy = random_noise(gray / 255.0, mode="s&p", amount=amount, rng=int(rng.integers(2**31)))
    return np.asarray(noisy, dtype=np.float32) * 255.0


def blobs(
    gray: np.ndarray,
    rng: np.random.Generator,
    count: int,
    radius: tuple[float, float],
    level: tuple[float, float] = (0.0, 60.0),
    region: tuple[int, int, int, int] | None = None,
) -> np.ndarray:
    """``count`` dark ellipses of ``radius`` px drawn at random in ``region`` (x0, y0, x1, y1)."""
    out = gray.copy()
    x0, y0, x1, y1 = region or (0, 0, gray.shape[1], gray.shape[0])
    for _ in range(count):
        centre = (int(rng.integers(x0, max(x0 + 1, x1))), int(rng.integers(y0, max(y0 + 1, y1))))
        r = rng.uniform(*radius)
        axes = (max(1, round(r * rng.uniform(0.6, 1.4))), max(1, round(r * rng.uniform(0.6, 1.4))))
        value = float(rng.uniform(*level))
        angle = float(rng.uniform(0, 180))
        cv2.ellipse(out, centre, axes, angle, 0, 360, value, -1, lineType=cv2.LINE_AA)
    return out


def specks(gray: np.ndarray, rng: np.random.Generator, count: int, level: float = 30.0) -> np.ndarray:
    """``count`` single dark pixels or 2x2 specks at random."""
    out = gray.copy()
    height, width = gray.shape
    ys, xs = rng.integers(0, height - 1, count), rng.integers(0, width - 1, count)
    out[ys, xs] = level
    big = rng.random(count) < 0.5
    out[ys[big] + 1, xs[big]] = level
    out[ys[big], xs[big] + 1] = level
    out[ys[big] + 1, xs[big] + 1] = level
    return out


def gaussian_blur(gray: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of ``sigma`` px."""
    return cv2.GaussianBlur(gray, (0, 0), sigma)


def motion_blur(gray: np.ndarray, length: int, angle: float) -> np.ndarray:
    """Blur along a line of ``length`` px at ``angle`` degrees (camera shake)."""
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    rotation = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), angle, 1.0)
    kernel = cv2.warpAffine(kernel, rotation, (length, length))
    return cv2.filter2D(gray, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REPLICATE)


def jpeg(gray: np.ndarray, quality: int) -> np.ndarray:
    """Round-trip through JPEG at ``quality`` (0-100) with OpenCV."""
    ok, data = cv2.imencode(".jpg", to_uint8(gray), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG")
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE).astype(np.float32)


def gaussian_noise(gray: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    """Additive Gaussian noise of ``sigma`` gray levels."""
    return gray + sigma * rng.standard_normal(gray.shape, dtype=np.float32)


def disk(radius: int) -> np.ndarray:
    """A disk-shaped structuring element of ``radius`` px."""
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def thin(ink: np.ndarray, radius: int) -> np.ndarray:
    """Ink eroded by a disk of ``radius`` px (faint, broken strokes)."""
    return cv2.erode(ink, disk(radius)) if radius > 0 else ink


def bleed(ink: np.ndarray, radius: int, sigma: float) -> np.ndarray:
    """Ink spread by a disk of ``radius`` px and blurred by ``sigma`` px (ink bleed)."""
    spread = cv2.dilate(ink, disk(radius)) if radius > 0 else ink
    return np.clip(cv2.GaussianBlur(spread, (0, 0), sigma) * 1.1, 0.0, 1.0)


def perspective(gray: np.ndarray, rng: np.random.Generator, strength: float, fill: float) -> np.ndarray:
    """A random perspective warp moving each corner by up to ``strength`` of the page's size."""
    height, width = gray.shape
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    jitter = rng.uniform(-strength, strength, (4, 2)) * np.float32([width, height])
    matrix = cv2.getPerspectiveTransform(corners, (corners + jitter).astype(np.float32))
    return cv2.warpPerspective(
        gray,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill,
    )


def rotate(gray: np.ndarray, degrees: float, fill: float) -> np.ndarray:
    """``gray`` rotated about its centre, the same size, corners filled with ``fill``."""
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=fill)


def sine_warp(gray: np.ndarray, rng: np.random.Generator, amplitude: float, period: float) -> np.ndarray:
    """Rows and columns displaced by sine waves of ``amplitude`` px and about ``period`` px."""
    height, width = gray.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    phase = rng.uniform(0, 2 * np.pi, 2)
    map_x = xs + amplitude * np.sin(2 * np.pi * ys / (period * rng.uniform(0.7, 1.3)) + phase[0])
    map_y = ys + amplitude * np.sin(2 * np.pi * xs / (period * rng.uniform(0.7, 1.3)) + phase[1])
    return cv2.remap(
        gray,
        map_x.astype(np.float32),
        map_y.astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def wavy_line(
    canvas: np.ndarray,
    rng: np.random.Generator,
    y: float,
    amplitude: float,
    thickness: int,
    value: float,
    span: tuple[float, float] = (0.0, 1.0),
) -> None:
    """Draw a sine curve around row ``y`` over the ``span`` of ``canvas``'s width (fractions), in place."""
    width = canvas.shape[1]
    xs = np.arange(round(span[0] * width), round(span[1] * width) + 1, 3, dtype=np.float32)
    period = rng.uniform(0.3, 1.2) * width
    slope = rng.uniform(-0.1, 0.1)
    wave = amplitude * np.sin(2 * np.pi * xs / period + rng.uniform(0, 2 * np.pi))
    points = np.stack([xs, y + slope * (xs - width / 2) + wave], axis=1).round().astype(np.int32)
    cv2.polylines(canvas, [points], False, value, thickness, lineType=cv2.LINE_AA)


def dot_matrix(ink: np.ndarray, rng: np.random.Generator, pitch: int, radius: int) -> np.ndarray:
    """Ink printed as dots on a grid of ``pitch`` px, each dot ``radius`` px, of uneven darkness."""
    hit = cv2.dilate((ink > 0.5).astype(np.uint8), disk(max(1, pitch // 3)))
    grid = np.zeros_like(ink)
    oy, ox = int(rng.integers(pitch)), int(rng.integers(pitch))
    sub = hit[oy::pitch, ox::pitch] > 0
    grid[oy::pitch, ox::pitch] = sub * rng.uniform(0.55, 1.0, sub.shape).astype(np.float32)
    dots = cv2.dilate(grid, disk(radius))
    return cv2.GaussianBlur(dots, (0, 0), 0.6)


def outline(ink: np.ndarray, width: int) -> np.ndarray:
    """The morphological gradient of the glyphs: their outline, about ``2 * width`` px thick."""
    mask = (ink > 0.5).astype(np.uint8)
    kernel = disk(width)
    edge = cv2.dilate(mask, kernel) - cv2.erode(mask, kernel)
    return cv2.GaussianBlur(edge.astype(np.float32), (0, 0), 0.5)


# Families ---------------------------------------------------------------------------------------


def _generator(
    name: str, make: Maker, dev_fonts: Sequence[str], test_fonts: Sequence[str]
) -> Callable[[str, int], list[Sample]]:
    """``generate(split, count)`` for a family: seeds 0.. with the dev fonts, 10_000.. with the test fonts."""

    def generate(split: str, count: int) -> list[Sample]:
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
        if count < 0:
            raise ValueError(f"count must be 0 or more, not {count}")
        fonts, first = (dev_fonts, 0) if split == "dev" else (test_fonts, TEST_SEED)
        samples = []
        for index in range(count):
            rng = np.random.default_rng([zlib.crc32(name.encode()), first + index])
            image, dpi, truth = make(rng, fonts)
            samples.append(Sample(f"{name}/{split}/{index:03d}", to_uint8(image), dpi, truth))
        return samples

    return generate


def _dpi(rng: np.random.Generator, choices: Sequence[int] = (200, 300, 400)) -> int:
    return int(choices[int(rng.integers(len(choices)))])


def make_clean(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """A clean text page at 150-600 DPI."""
    dpi = _dpi(rng, (150, 200, 300, 400, 600))
    page = text_page(rng, fonts, dpi, inches=(3.0, 4.5) if dpi == 600 else (3.5, 5.0))
    return to_gray(page.ink), dpi, page.text


def make_salt_pepper(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """Salt-and-pepper pixels (2-8 %) and dust blobs of 1.5-4 px radius at 300 DPI."""
    dpi = _dpi(rng)
    page = text_page(rng, fonts, dpi)
    gray = salt_and_pepper(to_gray(page.ink), rng, float(rng.uniform(0.02, 0.08)))
    scale = dpi / 300
    count = int(page.ink.size / 1e6 * rng.uniform(100, 400))
    gray = blobs(gray, rng, count, (1.5 * scale, 4.0 * scale))
    return gray, dpi, page.text


def make_digit_specks(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """One digit field with specks everywhere and blobs on and off its line."""
    dpi = _dpi(rng, (150, 200, 300, 400))
    size = max(12, round(rng.uniform(8, 14) * dpi / 72))
    font = load_font(_pick(rng, fonts), size)
    text = digit_string(rng)
    layout = render([text], font, margin=round(size * rng.uniform(0.4, 0.8)))
    gray = to_gray(layout.ink)
    height, width = gray.shape
    stroke = max(1.0, size / 12)
    gray = specks(gray, rng, int(width * height * rng.uniform(0.0003, 0.003)))
    top = layout.baselines[0] - layout.x_height
    on_line = (0, top, width, layout.baselines[0])
    gray = blobs(gray, rng, int(rng.integers(0, 4)), (0.5 * stroke, 1.3 * stroke), region=on_line)
    gray = blobs(gray, rng, int(rng.integers(1, 6)), (0.5 * stroke, 1.8 * stroke))
    return gray, dpi, text


def make_digit_captcha(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """4-6 digits, each rotated and shifted, sine-warped, with noise curves and dots."""
    text = "".join(str(int(d)) for d in rng.integers(0, 10, int(rng.integers(4, 7))))
    size = int(rng.integers(40, 56))
    height = round(size * 1.7)
    width = round(size * (0.75 * len(text) + 1.0))
    canvas = np.zeros((height, width), np.float32)
    x = size * 0.45
    for digit in text:
        font = load_font(_pick(rng, fonts), round(size * rng.uniform(0.85, 1.15)))
        tile = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(tile).text((size // 2, size // 3), digit, font=font, fill=255)
        tile = tile.rotate(float(rng.uniform(-15, 15)), resample=Image.Resampling.BILINEAR)
        glyph = np.asarray(tile, dtype=np.float32) / 255.0
        ys, xs = np.nonzero(glyph > 0.1)
        glyph = glyph[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        top = int(np.clip(height / 2 - glyph.shape[0] / 2 + rng.uniform(-0.12, 0.12) * size, 0, None))
        left = int(x)
        gh, gw = min(glyph.shape[0], height - top), min(glyph.shape[1], width - left)
        region = canvas[top : top + gh, left : left + gw]
        np.maximum(region, glyph[:gh, :gw], out=region)
        x += gw * rng.uniform(0.85, 1.1)
    canvas = canvas[:, : min(width, round(x + size * 0.45))]
    height, width = canvas.shape
    canvas = sine_warp(canvas, rng, float(rng.uniform(0.8, 2.5)), float(rng.uniform(0.8, 2.0) * size))
    for _ in range(int(rng.integers(1, 3))):
        start = float(rng.uniform(0.0, 0.5))
        span = (start, start + float(rng.uniform(0.4, 0.8)))
        wavy_line(canvas, rng, rng.uniform(0.25, 0.75) * height, rng.uniform(3, 10), 1, 1.0, span)
    background = 255.0 - 15.0 * np.abs(smooth_noise(canvas.shape, rng, size / 3))
    gray = to_gray(canvas, background, float(rng.uniform(0, 80)))
    gray = specks(gray, rng, int(canvas.size * rng.uniform(0.0002, 0.0015)), float(rng.uniform(0, 80)))
    gray = blobs(gray, rng, int(rng.integers(3, 10)), (1.0, 2.0))
    return gaussian_blur(gray, float(rng.uniform(0.3, 0.9))), 150, text


def _x_height_ratio(font_name: str) -> float:
    """The x-height of ``font_name`` as a fraction of its size in px."""
    box = load_font(font_name, 100).getbbox("x")
    return max(0.3, (box[3] - box[1]) / 100)


def make_small_text(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """x-height 8-15 px at 150-300 DPI, rendered 3x larger and scanned in one of three ways: at a
    2.4-3.4x lower resolution still and upscaled, blurred, noisy and thresholded as a fax would, or
    sampled without smoothing at a lower resolution and enlarged in blocks, then JPEG."""
    dpi = _dpi(rng, (150, 200, 300))
    name = _pick(rng, fonts)
    size = max(6, round(rng.uniform(8, 15) / _x_height_ratio(name)))
    factor = 3.0
    font = load_font(name, round(size * factor))
    lines = text_lines(rng, font, round(rng.uniform(600, 1100) * factor), int(rng.integers(4, 9)))
    page = render(lines, font, margin=round(size * 1.5 * factor))
    large = to_gray(page.ink)
    height, width = large.shape
    shape = (round(width / factor), round(height / factor))
    scan = int(rng.integers(3))
    if scan == 0:
        up = float(rng.uniform(2.4, 3.4))
        low = cv2.resize(large, (round(shape[0] / up), round(shape[1] / up)), interpolation=cv2.INTER_AREA)
        low = jpeg(gaussian_noise(low, rng, float(rng.uniform(3, 8))), int(rng.integers(30, 70)))
        return cv2.resize(low, shape, interpolation=cv2.INTER_LINEAR), dpi, page.text
    if scan == 1:
        gray = gaussian_blur(
            cv2.resize(large, shape, interpolation=cv2.INTER_AREA), float(rng.uniform(0.6, 1.1))
        )
        gray = gaussian_noise(gray, rng, float(rng.uniform(20, 35)))
        return np.where(gray < rng.uniform(110, 150), 0.0, 255.0).astype(np.float32), dpi, page.text
    blocks = float(rng.uniform(1.4, 2.0))
    low = cv2.resize(
        large, (round(shape[0] / blocks), round(shape[1] / blocks)), interpolation=cv2.INTER_NEAREST
    )
    gray = cv2.resize(low, shape, interpolation=cv2.INTER_NEAREST)
    return (
        jpeg(gaussian_noise(gray, rng, float(rng.uniform(6, 15))), int(rng.integers(8, 25))),
        dpi,
        page.text,
    )


def make_blur_jpeg(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """Gaussian or motion blur scaled to the font size, then JPEG at quality 5-30."""
    dpi = _dpi(rng)
    page = text_page(rng, fonts, dpi)
    gray = to_gray(page.ink)
    scale = page.size / 40
    if rng.random() < 0.5:
        gray = gaussian_blur(gray, float(rng.uniform(1.4, 3.0) * scale))
    else:
        length = 2 * round(rng.uniform(3.0, 7.0) * scale) + 1
        gray = motion_blur(gray, length, float(rng.uniform(0, 180)))
    return jpeg(gray, int(rng.integers(5, 31))), dpi, page.text


def _unit_grid(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates scaled to 0..1 along each axis: ``(y, x)``."""
    height, width = shape
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    return ys, xs


def lighting(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A phone photo's light: a linear gradient, a vignette and a soft-edged shadow, 0..1."""
    ys, xs = _unit_grid(shape)
    angle = rng.uniform(0, 2 * np.pi)
    along = np.cos(angle) * xs + np.sin(angle) * ys
    field = 1.0 - rng.uniform(0.15, 0.45) * (along - along.min()) / (np.ptp(along) + 1e-6)
    field = field * (1.0 - rng.uniform(0.1, 0.4) * ((xs - 0.5) ** 2 + (ys - 0.5) ** 2) * 2)
    angle = rng.uniform(0, 2 * np.pi)
    side = np.cos(angle) * xs + np.sin(angle) * ys
    side = side + 0.05 * smooth_noise(shape, rng, max(shape) / 4)
    edge = np.quantile(side, rng.uniform(0.3, 0.75))
    soft = rng.uniform(0.01, 0.06)
    shadow = 1.0 / (1.0 + np.exp(-(side - edge) / soft))
    return (field * (1.0 - rng.uniform(0.35, 0.6) * shadow)).astype(np.float32)


def make_phone_light(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """Uneven light, a shadow, gray ink, a slight perspective warp, sensor noise and JPEG."""
    dpi = _dpi(rng, (150, 200, 300))
    page = text_page(rng, fonts, dpi)
    light = lighting(page.ink.shape, rng)
    gray = to_gray(page.ink, float(rng.uniform(215, 245)) * light, float(rng.uniform(30, 90)) * light)
    gray = perspective(gray, rng, 0.025, float(rng.uniform(40, 120)))
    gray = gaussian_blur(gray, float(rng.uniform(0.5, 1.2) * dpi / 300))
    gray = gaussian_noise(gray, rng, float(rng.uniform(3, 9)))
    return jpeg(gray, int(rng.integers(50, 86))), dpi, page.text


def receipt_lines(rng: np.random.Generator) -> list[str]:
    """6-10 lines of a shop receipt: items with quantities and prices, totals, a date and time."""
    lines = [f"INV #{int(rng.integers(10_000, 999_999))} {date(rng)} {clock(rng)}"]
    total = 0.0
    for _ in range(int(rng.integers(3, 7))):
        quantity, price = int(rng.integers(1, 5)), int(rng.integers(50, 5000)) / 100
        total += quantity * price
        lines.append(f"{quantity} {_pick(rng, RECEIPT_ITEMS)} {price:.2f} {quantity * price:.2f}")
    tax = round(total * 0.06, 2)
    lines.append(f"TAX 6% {tax:.2f}")
    lines.append(f"TOTAL {total + tax:,.2f}")
    if rng.random() < 0.6:
        lines.append(f"CASH {float(np.ceil(total + tax)):,.2f}")
    return lines


def make_thermal(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """A faded thermal receipt: gray print fading along a gradient, thinned, with dropout columns."""
    dpi = _dpi(rng, (200, 300))
    size = max(10, round(rng.uniform(8, 11) * dpi / 72))
    font = load_font(_pick(rng, fonts), size)
    page = render(receipt_lines(rng), font, margin=round(0.2 * dpi), spacing=1.3)
    ink = thin(page.ink, 1) if size >= 36 and rng.random() < 0.6 else page.ink
    ys, xs = _unit_grid(ink.shape)
    along = ys if rng.random() < 0.5 else xs
    if rng.random() < 0.5:
        along = 1.0 - along
    weakest = rng.uniform(0.05, 0.3)
    fade = 1.0 - (1.0 - weakest) * along
    fade = fade * np.clip(1.0 - 0.4 * np.abs(smooth_noise(ink.shape, rng, size * 2)), 0, 1)
    for _ in range(int(rng.integers(2, 7))):
        x = int(rng.integers(0, ink.shape[1]))
        fade[:, x : x + int(rng.integers(1, 5))] *= rng.uniform(0.0, 0.3)
    paper = float(rng.uniform(200, 235)) + 6 * smooth_noise(ink.shape, rng, size)
    gray = to_gray(ink * np.clip(fade, 0, 1), paper, float(rng.uniform(60, 130)))
    gray = gaussian_noise(gaussian_blur(gray, 0.6), rng, float(rng.uniform(2, 6)))
    return jpeg(gray, int(rng.integers(60, 90))), dpi, page.text


def make_office_print(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """Ink bleed and faint strokes, mottled paper, dirty-roller streaks and smudges, faint rules, JPEG."""
    dpi = _dpi(rng, (200, 300, 400))
    page = text_page(rng, fonts, dpi, spacing=1.5)
    shape = page.ink.shape
    height, width = shape
    scale = page.size / 40
    bled = bleed(page.ink, round(rng.uniform(0.6, 2.0) * scale), 0.8 * scale)
    faint = thin(page.ink, max(1, round(0.9 * scale))) * rng.uniform(0.3, 0.6)
    where_faint = np.clip(smooth_noise(shape, rng, width / 6) - rng.uniform(0.0, 0.8), 0, 0.5) * 2
    ink = where_faint * faint + (1 - where_faint) * bled
    rules = np.zeros(shape, np.float32)
    if rng.random() < 0.6:
        for baseline in page.baselines:
            y = baseline + round(0.25 * page.size)
            cv2.line(rules, (0, y), (width, y), float(rng.uniform(0.2, 0.45)), max(1, round(scale)))
    ink = np.maximum(ink, rules)
    mottle = smooth_noise(shape, rng, 5 * scale) + 0.6 * smooth_noise(shape, rng, 20 * scale)
    paper = 238.0 - rng.uniform(10, 22) * mottle - 8 * smooth_noise(shape, rng, width / 8)
    gray = to_gray(ink, paper, float(rng.uniform(20, 70)))
    gray = specks(gray, rng, int(gray.size * rng.uniform(0.0005, 0.003)), float(rng.uniform(40, 120)))
    period = round(rng.uniform(1.0, 2.5) * dpi)
    for _ in range(int(rng.integers(1, 4))):
        x = int(rng.integers(0, width))
        streak = float(rng.uniform(0.55, 0.85))
        gray[:, x : x + int(rng.integers(1, 5))] *= streak
        for y in range(int(rng.integers(0, period)), height, period):
            gray = blobs(gray, rng, 1, (2 * scale, 5 * scale), (40, 140), (x - 3, y - 3, x + 3, y + 3))
    return jpeg(gray, int(rng.integers(20, 51))), dpi, page.text


def make_lines(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """Underlines, form rules, strike-throughs and wavy lines under or through the words (one or two per
    text line), and sometimes vertical form rules through the block."""
    dpi = _dpi(rng)
    page = text_page(rng, fonts, dpi, spacing=1.6)
    canvas = page.ink.copy()
    height, width = canvas.shape
    stroke = max(1, round(page.size / 14))
    kinds = ("underline", "strike", "rule", "wavy", "none")
    for baseline, spans in zip(page.baselines, page.words, strict=True):
        for _ in range(int(rng.integers(1, 3))):
            kind = kinds[int(rng.choice(len(kinds), p=[0.3, 0.2, 0.2, 0.2, 0.1]))]
            first = int(rng.integers(0, len(spans)))
            last = int(rng.integers(first, len(spans)))
            x0, x1 = spans[first][0] - stroke, spans[last][1] + stroke
            thickness = max(1, round(stroke * rng.uniform(0.7, 1.5)))
            if kind == "underline":
                y = baseline + round(page.size * rng.uniform(0.05, 0.15))
                cv2.line(canvas, (x0, y), (x1, y), 1.0, thickness)
            elif kind == "strike":
                y = baseline - round(page.x_height * rng.uniform(0.35, 0.65))
                cv2.line(canvas, (x0, y), (x1, y), 1.0, thickness)
            elif kind == "rule":
                y = baseline + round(page.size * rng.uniform(0.1, 0.25))
                cv2.line(canvas, (0, y), (width, y), 1.0, thickness)
            elif kind == "wavy":
                y = baseline - page.x_height * rng.uniform(0.2, 0.8)
                wavy_line(canvas, rng, y, page.x_height * rng.uniform(0.3, 0.9), thickness, 1.0)
    if rng.random() < 0.4:
        for x in rng.integers(round(0.2 * width), round(0.8 * width), int(rng.integers(1, 3))):
            cv2.line(canvas, (int(x), 0), (int(x), height), 1.0, stroke)
    return to_gray(canvas), dpi, page.text


def make_dot_matrix(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """Glyphs printed as dots on a grid (about 10 dot rows per em), uneven ribbon ink."""
    dpi = _dpi(rng, (200, 300))
    page = text_page(rng, fonts, dpi, points=(10.0, 14.0))
    pitch = max(3, round(page.size / rng.uniform(9, 12)))
    dots = dot_matrix(page.ink, rng, pitch, max(1, round(pitch * rng.uniform(0.35, 0.5))))
    paper = float(rng.uniform(230, 250)) + 4 * smooth_noise(dots.shape, rng, page.size)
    gray = to_gray(dots, paper, float(rng.uniform(20, 90)))
    return gaussian_noise(gray, rng, float(rng.uniform(2, 6))), dpi, page.text


def shifted(ink: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """``ink`` moved ``dx`` px right and ``dy`` px down (both 0 or more), the same size."""
    out = np.zeros_like(ink)
    out[dy:, dx:] = ink[: ink.shape[0] - dy, : ink.shape[1] - dx]
    return out


def make_hollow(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """Bold glyphs, 16-26 pt, drawn as their outline only (a morphological gradient); half of them with
    a gray drop shadow offset down and right, as on signs and headings."""
    dpi = _dpi(rng, (200, 300))
    page = text_page(rng, fonts, dpi, points=(16.0, 26.0), inches=(4.0, 5.5), lines=(3, 5))
    ink = outline(page.ink, 1) * rng.uniform(0.6, 1.0)
    if rng.random() < 0.5:
        offset = max(2, round(page.size * rng.uniform(0.04, 0.08)))
        shadow = shifted((page.ink > 0.5).astype(np.float32), offset, offset) * rng.uniform(0.3, 0.6)
        ink = np.maximum(ink, shadow * (page.ink < 0.5))
    gray = to_gray(ink, float(rng.uniform(225, 250)), float(rng.uniform(30, 110)))
    gray = gaussian_blur(gray, float(rng.uniform(0.6, 1.1)))
    return gaussian_noise(gray, rng, float(rng.uniform(6, 14))), dpi, page.text


def make_light_on_dark(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """Light text on a dark uneven background: the whole page, or a dark banner over some lines."""
    dpi = _dpi(rng)
    page = text_page(rng, fonts, dpi)
    shape = page.ink.shape
    _, xs = _unit_grid(shape)
    dark = (
        float(rng.uniform(40, 100)) + 50 * xs * rng.uniform(-1, 1) + 10 * smooth_noise(shape, rng, page.size)
    )
    light = float(rng.uniform(130, 200))
    inverted = to_gray(page.ink, dark, light)
    if rng.random() < 0.5:
        gray = inverted
    else:
        rows = len(page.baselines)
        first = int(rng.integers(0, rows - 1))
        last = int(rng.integers(first + 1, rows))
        top = max(0, page.baselines[first] - round(page.size * 1.0))
        bottom = page.baselines[last] + round(page.size * 0.45)
        gray = to_gray(page.ink, 245.0, 20.0)
        gray[top:bottom] = inverted[top:bottom]
    gray = gaussian_noise(gaussian_blur(gray, float(rng.uniform(0.6, 1.4))), rng, float(rng.uniform(8, 20)))
    return jpeg(gray, int(rng.integers(20, 51))), dpi, page.text


STAMP_COLOURS = ((0.85, 0.15, 0.2), (0.2, 0.3, 0.8), (0.5, 0.2, 0.7), (0.15, 0.55, 0.3))
"""Rubber-stamp inks as RGB fractions: red, blue, violet, green."""


def stamp(rng: np.random.Generator, fonts: Sequence[str], dpi: int) -> np.ndarray:
    """A worn rubber stamp's ink coverage (0..1): a ring or a box around a word, rotated."""
    size = round(rng.uniform(1.0, 1.8) * dpi)
    rim = max(2, size // 30)
    word = _pick(rng, STAMP_WORDS)
    if rng.random() < 0.5:
        image = Image.new("L", (size, size), 0)
        draw = ImageDraw.Draw(image)
        draw.ellipse((rim, rim, size - rim, size - rim), outline=255, width=rim)
        inner = size // 9
        draw.ellipse((inner, inner, size - inner, size - inner), outline=255, width=max(1, rim // 2))
    else:
        image = Image.new("L", (round(size * 1.7), round(size * 0.6)), 0)
        draw = ImageDraw.Draw(image)
        draw.rectangle((rim, rim, image.width - rim, image.height - rim), outline=255, width=rim)
    font = load_font(_pick(rng, fonts), max(8, round(image.height * 0.22)))
    centre = (image.width / 2, image.height / 2)
    draw.text(centre, word, font=font, fill=255, anchor="mm")
    image = image.rotate(float(rng.uniform(-35, 35)), resample=Image.Resampling.BILINEAR, expand=True)
    ink = np.asarray(image, dtype=np.float32) / 255.0
    worn = np.clip(1.2 - 0.5 * np.abs(smooth_noise(ink.shape, rng, rim * 1.5)), 0.0, 1.0)
    return ink * worn * rng.uniform(0.7, 1.0)


def scan_border(gray: np.ndarray, rng: np.random.Generator, dpi: int, paper: float) -> np.ndarray:
    """Punch holes in the left margin, then black borders of 0.1-0.4 inch with a ragged edge added
    outside 1-3 sides (the page grows; the text is never covered), with a shadow along the edge."""
    out = gray.copy()
    if rng.random() < 0.4:
        for y in np.linspace(0.2, 0.8, int(rng.integers(2, 4))) * out.shape[0]:
            cv2.circle(out, (round(0.12 * dpi), round(y)), round(0.08 * dpi), float(rng.uniform(0, 40)), -1)
    fade = max(1, round(0.05 * dpi))
    for side in rng.permutation(4)[: int(rng.integers(1, 4))]:
        depth = round(rng.uniform(0.1, 0.4) * dpi)
        view = np.rot90(out, int(side))
        rows = view.shape[0]
        walk = np.cumsum(rng.standard_normal(rows, dtype=np.float32) * 0.6)
        walk = cv2.GaussianBlur(walk.reshape(-1, 1), (1, 0), 3).ravel()
        edge = np.clip(0.75 * depth + walk - walk.mean(), 1, depth)[:, None]
        strip = np.concatenate([np.full((rows, depth), paper, np.float32), view[:, :fade]], axis=1)
        column = np.arange(strip.shape[1], dtype=np.float32)[None, :]
        shadow = np.clip(1.0 - (column - edge) / fade, 0, 1) * 0.35
        black = float(rng.uniform(0, 45)) + 8 * rng.standard_normal(strip.shape, dtype=np.float32)
        strip = np.where(column < edge, black, strip * (1.0 - shadow))
        out = np.ascontiguousarray(np.rot90(np.concatenate([strip, view[:, fade:]], axis=1), -int(side)))
    return out


def make_stamps_borders(rng: np.random.Generator, fonts: Sequence[str]) -> tuple[np.ndarray, int, str]:
    """Coloured stamps made gray over the text, a slight rotation, black ragged scan borders, holes."""
    dpi = _dpi(rng, (200, 300))
    page = text_page(rng, fonts, dpi)
    paper = float(rng.uniform(238, 252))
    rgb = np.repeat(to_gray(page.ink, paper, float(rng.uniform(0, 40)))[:, :, None] / 255.0, 3, axis=2)
    height, width = page.ink.shape
    for _ in range(int(rng.integers(1, 4))):
        ink = stamp(rng, fonts, dpi)[:height, :width]
        top = int(rng.integers(0, height - ink.shape[0] + 1))
        left = int(rng.integers(0, width - ink.shape[1] + 1))
        colour = np.asarray(STAMP_COLOURS[int(rng.integers(len(STAMP_COLOURS)))], np.float32)
        region = rgb[top : top + ink.shape[0], left : left + ink.shape[1]]
        region *= 1.0 - ink[:, :, None] * (1.0 - colour)
    gray = cv2.cvtColor((rgb * 255).astype(np.float32), cv2.COLOR_RGB2GRAY)
    gray = rotate(gray, float(rng.uniform(-1.5, 1.5)), paper)
    gray = scan_border(gray, rng, dpi, paper)
    return gaussian_noise(gray, rng, float(rng.uniform(1, 4))), dpi, page.text


FAMILIES: tuple[Family, ...] = (
    Family(
        "clean",
        "clean text pages, 150-600 DPI, no degradation",
        None,
        generate=_generator("clean", make_clean, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "salt-pepper",
        "text pages with 2-8 % salt-and-pepper pixels and dust blobs of 1.5-4 px radius (at 300 DPI)",
        None,
        generate=_generator("salt-pepper", make_salt_pepper, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "digit-specks",
        "one digit field (amount, date, invoice, phone, time) with specks and blobs on and off the line",
        7,
        digits=True,
        generate=_generator("digit-specks", make_digit_specks, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "digit-captcha",
        "4-6 rotated, shifted, sine-warped digits with thin noise curves through part of the line, and dots",
        7,
        digits=True,
        generate=_generator("digit-captcha", make_digit_captcha, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "small-text",
        "x-height 8-15 px at 150-300 DPI, scanned down from 2-3x: smoothed + JPEG, fax-thresholded, nearest",
        None,
        generate=_generator("small-text", make_small_text, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "blur-jpeg",
        "text pages with Gaussian or motion blur, then JPEG at quality 5-30",
        None,
        generate=_generator("blur-jpeg", make_blur_jpeg, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "phone-light",
        "phone-photo text pages: light gradient, vignette, soft shadow, gray ink, perspective, noise, JPEG",
        None,
        generate=_generator("phone-light", make_phone_light, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "thermal",
        "faded thermal receipts: monospace, fading gradient, thinned strokes, dropout columns, gray paper",
        6,
        generate=_generator("thermal", make_thermal, DEV_MONO, TEST_MONO),
    ),
    Family(
        "office-print",
        "office prints: ink bleed, faint strokes, mottled paper, dirty-roller streaks, faint rules, JPEG",
        None,
        generate=_generator("office-print", make_office_print, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "lines",
        "text pages with underlines, form rules, strike-throughs and wavy lines under or through words",
        None,
        generate=_generator("lines", make_lines, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "dot-matrix",
        "dot-matrix print: glyphs as dots on a grid, uneven ribbon ink",
        None,
        generate=_generator(
            "dot-matrix", make_dot_matrix, DEV_MONO + DEV_FONTS[:2], TEST_MONO + TEST_FONTS[:2]
        ),
    ),
    Family(
        "hollow",
        "hollow (outlined) bold glyphs, 16-26 pt, half with a gray drop shadow",
        None,
        generate=_generator("hollow", make_hollow, DEV_BOLD, TEST_BOLD),
    ),
    Family(
        "light-on-dark",
        "light text on a dark uneven background (whole page or a banner over some lines), noise, JPEG",
        None,
        generate=_generator("light-on-dark", make_light_on_dark, DEV_FONTS, TEST_FONTS),
    ),
    Family(
        "stamps-borders",
        "coloured stamps (made gray, their words not transcribed) over text, ragged black scan borders",
        None,
        generate=_generator("stamps-borders", make_stamps_borders, DEV_FONTS, TEST_FONTS),
    ),
)


# Real folders -----------------------------------------------------------------------------------

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


def read_gray(path: Path) -> tuple[np.ndarray, int]:
    """The first page of ``path`` as 2-D uint8 gray and its DPI (300 when the file states none)."""
    with Image.open(path) as image:
        dpi = image.info.get("dpi", (300, 300))[0]
        gray = np.asarray(image.convert("L"), dtype=np.uint8)
    return gray, round(float(dpi)) if dpi and float(dpi) >= 50 else 300


def _folder_generator(name: str, folder: Path) -> Callable[[str, int], list[Sample]]:
    """``generate(split, count)``: the first ``count`` images of ``folder`` in sorted order, either split."""

    def generate(split: str, count: int) -> list[Sample]:
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
        images = sorted(
            path
            for path in folder.iterdir()
            if path.suffix.lower() in IMAGE_SUFFIXES and path.with_suffix(".gt.txt").is_file()
        )
        samples = []
        for path in images[:count]:
            image, dpi = read_gray(path)
            text = path.with_suffix(".gt.txt").read_text(encoding="utf-8")
            truth = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")
            samples.append(Sample(f"{name}/{split}/{path.stem}", image, dpi, truth))
        return samples

    return generate


def real_families(data: Path) -> tuple[Family, ...]:
    """The folders of ``data`` (``../shared/data``) as families; each folder missing is left out."""
    known = (
        (
            "sroie",
            "real scanned shop receipts (ICDAR 2019 SROIE), upper-case truth; no dev/test split",
            6,
            True,
            False,
        ),
        (
            "captcha_v2",
            "real 5-character captchas (digits and lower case) with blur and a line; no dev/test split",
            7,
            False,
            False,
        ),
        (
            "tesseract_test",
            "Tesseract's own clean test pages; no dev/test split",
            None,
            False,
            True,
        ),
    )
    return tuple(
        Family(
            name,
            description,
            psm,
            ignore_case=ignore_case,
            normalize_punctuation=punctuation,
            generate=_folder_generator(name, data / name),
            real=True,
        )
        for name, description, psm, ignore_case, punctuation in known
        if (data / name).is_dir()
    )


def _check(count: int) -> None:
    """Print each generated family's raw-Tesseract CER on its first ``count`` dev samples."""
    import time

    import pytesseract

    from ocrprep.metrics import TextOptions, cer
    from ocrprep.types import DIGIT_CHARACTERS

    for family in FAMILIES:
        start = time.perf_counter()
        samples = family.generate("dev", count)
        made = (time.perf_counter() - start) / max(1, count)
        config = f"--psm {7 if family.digits else family.psm or 3}"
        if family.digits:
            config += f" -c {shlex.quote('tessedit_char_whitelist=' + DIGIT_CHARACTERS)}"
        options = TextOptions(family.ignore_case, family.normalize_punctuation)
        rates = []
        for sample in samples:
            text = pytesseract.image_to_string(sample.image, config=f"{config} --dpi {sample.dpi}")
            rates.append(cer(sample.truth, text, options))
        exact = sum(rate == 0 for rate in rates)
        sizes = " ".join(f"{s.image.shape[1]}x{s.image.shape[0]}" for s in samples)
        print(
            f"{family.name:16s} CER {np.mean(rates):.3f}  exact {exact}/{count}  "
            f"[{' '.join(f'{r:.2f}' for r in rates)}]  {made * 1000:.0f} ms/sample  {sizes}"
        )


if __name__ == "__main__":
    import sys

    _check(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
