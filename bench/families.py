"""The image families of the accuracy benchmark (issue 12): generated from fixed seeds, plus real folders.

Every generated family renders its own text with Pillow and degrades it with its own models, written
with numpy, OpenCV and scikit-image. ``generate(split, count)`` is deterministic: sample ``i`` of the
``dev`` split uses seed ``i`` and the dev fonts; sample ``i`` of the ``test`` split uses seed
``10_000 + i`` and a different set of fonts. The random generator of a sample is seeded from the
family's name and that seed, so families never share noise. Font size and DPI vary per sample, and the
DPI given with a sample is the one the text was rendered at (points times DPI over 72).

Text pages are blocks of 4-8 lines of mixed words, numbers and punctuation, about 3.5-5 inches wide
(about 1000-1600 px at 300 DPI), not full pages. Digit families are one line (amounts, dates, invoice
and phone numbers, times). The ground truth is exactly the text drawn, lines in order joined by "\\n",
words separated by single spaces; marks that are not text (specks, rules, stamps, borders) are not
transcribed.

The generated families (``FAMILIES``):

- ``clean``: clean text pages, no degradation (Tesseract should read them almost perfectly).
- ``salt-pepper``: text pages with 2-8 % salt-and-pepper pixels (scikit-image) and dust blobs of
  1.5-4 px radius (at 300 DPI).
- ``digit-specks``: one digit string with specks everywhere and blobs on and off the text line, read in
  digit mode.
- ``digit-captcha``: 4-6 digits, each rotated and shifted, a sinusoidal warp, noise curves through the
  digits and dots, read in digit mode.
- ``small-text``: x-height 8-15 px at 150-300 DPI, some rendered larger and downsampled.
- ``blur-jpeg``: Gaussian or motion blur, then JPEG at quality 8-35.
- ``phone-light``: uneven light as in phone photos: a gradient, a vignette, a soft shadow, gray ink, a
  slight perspective warp, sensor noise and JPEG.
- ``thermal``: faded thermal receipts: monospace lines, a fading gradient, thinned strokes, print-head
  dropout columns, gray paper.
- ``office-print``: ink bleed, faint strokes, mottled paper, dirty-roller streaks, faint ruled lines,
  JPEG.
- ``lines``: underlines, form rules, strike-throughs and wavy captcha lines through or under the text.
- ``dot-matrix``: glyphs printed as dots sampled on a grid, with uneven ribbon ink.
- ``hollow``: outlined (hollow) bold glyphs from a morphological gradient.
- ``light-on-dark``: light text on a dark, uneven background with noise and JPEG.
- ``stamps-borders``: coloured rubber stamps (made gray) over the text, black scan borders with a
  ragged edge, punch holes, a slight rotation. The stamps' words are not transcribed.

``real_families(data)`` adds the folders of ``../shared/data`` (``sroie``, ``captcha_v2``,
``tesseract_test``) as families of their own; they have no dev/test split.

Run this file (``PYTHONPATH=src python bench/families.py [count]``) to print each generated family's
raw-Tesseract CER on its first dev samples: the check used to calibrate the degradation strengths.
"""

from __future__ import annotations

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
    """Read with ocrprep's digit mode (psm 7 and the whitelist ``0-9.,-/:``)."""
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
    return gray + rng.normal(0.0, sigma, gray.shape).astype(np.float32)


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
    canvas: np.ndarray, rng: np.random.Generator, y: float, amplitude: float, thickness: int, value: float
) -> None:
    """Draw a sine curve across ``canvas`` around row ``y``, in place."""
    width = canvas.shape[1]
    xs = np.arange(0, width, 3, dtype=np.float32)
    period = rng.uniform(0.3, 1.2) * width
    slope = rng.uniform(-0.1, 0.1)
    ys = (
        y + slope * (xs - width / 2) + amplitude * np.sin(2 * np.pi * xs / period + rng.uniform(0, 2 * np.pi))
    )
    points = np.stack([xs, ys], axis=1).round().astype(np.int32)
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
    gray = specks(gray, rng, int(width * height * rng.uniform(0.0005, 0.004)))
    top = layout.baselines[0] - layout.x_height
    on_line = (0, top, width, layout.baselines[0])
    gray = blobs(gray, rng, int(rng.integers(1, 5)), (0.5 * stroke, 1.4 * stroke), region=on_line)
    gray = blobs(gray, rng, int(rng.integers(1, 7)), (0.5 * stroke, 1.8 * stroke))
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
        tile = tile.rotate(float(rng.uniform(-20, 20)), resample=Image.Resampling.BILINEAR)
        glyph = np.asarray(tile, dtype=np.float32) / 255.0
        ys, xs = np.nonzero(glyph > 0.1)
        glyph = glyph[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        top = int(np.clip(height / 2 - glyph.shape[0] / 2 + rng.uniform(-0.12, 0.12) * size, 0, None))
        left = int(x)
        gh, gw = min(glyph.shape[0], height - top), min(glyph.shape[1], width - left)
        region = canvas[top : top + gh, left : left + gw]
        np.maximum(region, glyph[:gh, :gw], out=region)
        x += gw * rng.uniform(0.8, 1.05)
    canvas = canvas[:, : min(width, round(x + size * 0.45))]
    height, width = canvas.shape
    canvas = sine_warp(canvas, rng, float(rng.uniform(1.0, 3.0)), float(rng.uniform(0.8, 2.0) * size))
    for _ in range(int(rng.integers(1, 3))):
        wavy_line(
            canvas, rng, rng.uniform(0.25, 0.75) * height, rng.uniform(3, 10), int(rng.integers(1, 3)), 1.0
        )
    background = 255.0 - 15.0 * np.abs(smooth_noise(canvas.shape, rng, size / 3))
    gray = to_gray(canvas, background, float(rng.uniform(0, 80)))
    gray = specks(gray, rng, int(canvas.size * rng.uniform(0.001, 0.005)), float(rng.uniform(0, 80)))
    gray = blobs(gray, rng, int(rng.integers(3, 10)), (1.0, 2.0))
    return gaussian_blur(gray, float(rng.uniform(0.3, 0.9))), 150, text


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
        "4-6 rotated, shifted, sine-warped digits with noise curves through them and dots",
        7,
        digits=True,
        generate=_generator("digit-captcha", make_digit_captcha, DEV_FONTS, TEST_FONTS),
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

    for family in FAMILIES:
        start = time.perf_counter()
        samples = family.generate("dev", count)
        made = (time.perf_counter() - start) / max(1, count)
        config = f"--psm {7 if family.digits else family.psm or 3}"
        if family.digits:
            config += " -c tessedit_char_whitelist=0123456789.,-/:"
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
