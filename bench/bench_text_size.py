"""At what text size does Tesseract read best, and does ``rescale`` bring text there to good effect?

Paragraphs of words and numbers are drawn large in several fonts, shrunk to a measured character
height (ocrprep's ``measure``: between x-height and cap height), then degraded at that resolution
(blur, noise, JPEG) as a small scan would be. Each is read by one single-threaded Tesseract as it
is, and after ``rescale`` to several target heights; the table gives the mean CER per start height
(rows) and target (columns, ``raw`` = not rescaled). ``bench/README.md`` records a run.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

import ocrprep
from ocrprep.builtin.geometry import rescale

FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)
WORDS = (
    *("the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "invoice", "total", "amount"),
    *("paid", "1,234.56", "date", "12/03/2024", "receipt", "number", "customer", "service", "thank"),
    *("you", "for", "shopping", "with", "us", "account", "balance", "due"),
)
START_HEIGHTS = (5, 6, 7, 8, 10, 13, 60, 90)
TARGETS = (20, 25, 30, 36, 44)
DRAWN = 96
"""Font size the paragraphs are drawn at before they are shrunk."""


def font(path: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The TrueType font, or Pillow's own when the system lacks it."""
    return ImageFont.truetype(path, size) if Path(path).is_file() else ImageFont.load_default(size=size)


def paragraph(path: str, rng: random.Random) -> tuple[np.ndarray, str]:
    lines = [" ".join(rng.choice(WORDS) for _ in range(6)) for _ in range(4)]
    face = font(path, DRAWN)
    width = max(int(face.getlength(line)) for line in lines) + 2 * DRAWN
    img = Image.new("L", (width, int(len(lines) * DRAWN * 1.5) + 2 * DRAWN), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((DRAWN, DRAWN + i * DRAWN * 1.5), line, font=face, fill=0)
    return np.asarray(img), "\n".join(lines)


def degrade(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    blurred = cv2.GaussianBlur(image, (0, 0), 0.9)
    noisy = np.clip(blurred + rng.normal(0, 28, image.shape), 0, 255).astype(np.uint8)
    _, jpeg = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 30])
    decoded: np.ndarray = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)
    return decoded


def cer(truth: str, image: np.ndarray, dpi: int) -> float:
    text = ocrprep.recognize(image, dpi=dpi).text
    reference = " ".join(truth.split())
    return Levenshtein.distance(reference, " ".join(text.split())) / len(reference)


def main() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    rng, noise = random.Random(2), np.random.default_rng(0)
    scores: dict[tuple[int, str], list[float]] = {}
    for path in FONTS:
        drawn, truth = paragraph(path, rng)
        drawn_height = ocrprep.Scan(drawn).measure.char_height
        assert drawn_height is not None
        for start in START_HEIGHTS:
            factor = start / drawn_height
            shrunk = cv2.resize(drawn, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            small = degrade(shrunk, noise)
            dpi = max(30, round(300 * start / 22))  # 22 px characters: about 10 pt at 300 DPI
            scores.setdefault((start, "raw"), []).append(cer(truth, small, dpi))
            measured = ocrprep.Scan(small).measure.char_height or start
            for target in TARGETS:
                scan = ocrprep.Scan(small, dpi)
                result = rescale(scan, min(max(target / measured, 0.125), 8.0))
                after = scan.followed_by(result)
                read = cer(truth, after.pixels, after.dpi or dpi)
                scores.setdefault((start, f"T={target}"), []).append(read)
    columns = ["raw", *(f"T={t}" for t in TARGETS)]
    print(f"mean CER over {len(FONTS)} fonts; rows: measured character height (px) of the degraded scan")
    print("height  " + "  ".join(c.rjust(6) for c in columns))
    for start in START_HEIGHTS:
        print(f"{start:6d}  " + "  ".join(f"{np.mean(scores[(start, c)]):6.3f}" for c in columns))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
