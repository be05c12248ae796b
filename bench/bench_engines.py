"""The tesserocr engine plugin against the built-in pytesseract engine, measured in one run.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_engines.py``). Prints:
1. the mean time per crop of each engine on 50 small one-line digit crops (``--digits``), after one
   warm-up read each (tesserocr loads its model there; that first read is shown too), and the ratio;
2. the CER of both engines on ``sample_scans/`` before and after the default cleanup, through
   ``ocrprep.compare`` (goal: within 0.01 of each other).

tesserocr is not a dependency of ocrprep: when it cannot be imported, this script installs it into a
throwaway folder (``pip install --target``) and runs itself again with that folder on the path, so
the project's own environment is left as it is. The plugin is loaded from ``plugins/ocrprep-tesserocr``.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

import ocrprep
from ocrprep import RecognizeOptions
from ocrprep.plugins import Host

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_SRC = ROOT / "plugins" / "ocrprep-tesserocr" / "src"
SAMPLES = ROOT / "sample_scans"
CROPS = 50
ROUNDS = 3


def digit_crops(count: int = CROPS, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """``count`` one-line crops of dates, amounts and numbers in Pillow's font at 18-36 px."""
    rng = random.Random(seed)
    crops = []
    for _ in range(count):
        kind = rng.randrange(4)
        if kind == 0:
            text = f"{rng.randint(1990, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        elif kind == 1:
            text = f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}.{rng.randint(0, 99):02d}"
        elif kind == 2:
            text = f"{rng.randint(10, 23)}:{rng.randint(0, 59):02d}"
        else:
            text = str(rng.randint(100, 9_999_999))
        font = ImageFont.load_default(size=rng.randint(18, 36))
        left, top, right, bottom = font.getbbox(text)
        img = Image.new("L", (int(right - left) + 16, int(bottom - top) + 16), 255)
        ImageDraw.Draw(img).text((8 - left, 8 - top), text, font=font, fill=0)
        crops.append((text, np.asarray(img).copy()))
    return crops


def time_engine(read: Callable[[np.ndarray], str], crops: list[tuple[str, np.ndarray]]) -> tuple[float, int]:
    """Mean seconds per crop over all crops, and how many were read exactly."""
    start = time.perf_counter()
    right = sum(read(image).strip() == text for text, image in crops)
    return (time.perf_counter() - start) / len(crops), right


def speed(host: Host) -> None:
    crops = digit_crops()
    readers = {
        engine: (lambda image, e=engine: host.recognize(image, None, RecognizeOptions(e, digits=True)).text)
        for engine in ("tesseract", "tesserocr")
    }
    first = {}
    for engine, read in readers.items():
        start = time.perf_counter()
        read(crops[0][1])
        first[engine] = time.perf_counter() - start
    means: dict[str, list[float]] = {engine: [] for engine in readers}
    right = {}
    for _ in range(ROUNDS):  # interleaved, so that a slow spell of the machine hits both
        for engine, read in readers.items():
            mean, right[engine] = time_engine(read, crops)
            means[engine].append(mean)
    best = {engine: min(times) for engine, times in means.items()}
    print(f"1. {CROPS} one-line digit crops (--digits), best of {ROUNDS} rounds, mean per crop:")
    for engine in readers:
        print(
            f"   {engine:9}  {best[engine] * 1000:6.1f} ms   exact {right[engine]}/{CROPS}   "
            f"(first read, model load included: {first[engine] * 1000:.0f} ms)"
        )
    print(f"   tesserocr is {best['tesseract'] / best['tesserocr']:.1f}x faster per crop")


def accuracy(plugin: str) -> None:
    print(f"2. CER on {SAMPLES.name}/ through ocrprep.compare (default pipeline), before -> after cleanup:")
    summaries = {}
    for engine in ("tesseract", "tesserocr"):
        start = time.perf_counter()
        report = ocrprep.compare([SAMPLES], options=RecognizeOptions(engine), plugins=[plugin])
        summaries[engine] = report.as_dict()["summary"]
        seconds = time.perf_counter() - start
        summary = summaries[engine]
        print(
            f"   {engine:9}  {summary['files']} pages  CER {summary['cer_before']:.4f} -> "
            f"{summary['cer_after']:.4f}   ({seconds:.1f} s)"
        )
    for key in ("cer_before", "cer_after"):
        gap = abs(summaries["tesseract"][key] - summaries["tesserocr"][key])
        verdict = "within" if gap <= 0.01 else "NOT within"
        print(f"   {key}: the engines differ by {gap:.4f}, {verdict} 0.01")


def main() -> None:
    if importlib.util.find_spec("tesserocr") is None:
        sys.exit(rerun_with_tesserocr())
    sys.path.insert(0, str(PLUGIN_SRC))
    plugin = "ocrprep_tesserocr"
    host = Host([plugin])  # loads the plugin before tesserocr, as ocrprep does
    import tesserocr  # installed by rerun_with_tesserocr when missing

    tesseract = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[
        0
    ]
    library = " ".join(tesserocr.tesseract_version().split()[:2])
    print(
        f"ocrprep engine benchmark, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; {tesseract} (CLI) vs "
        f"tesserocr {tesserocr.__version__} (lib{library})"
    )
    speed(host)
    accuracy(plugin)


def rerun_with_tesserocr() -> int:
    """Install tesserocr into a temporary folder and run this script again with it on the path."""
    folder = tempfile.mkdtemp(prefix="bench-tesserocr-")
    try:
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "--target", folder, "tesserocr"], check=True)
        path = os.pathsep.join(filter(None, [folder, os.environ.get("PYTHONPATH")]))
        return subprocess.run([sys.executable, __file__], env={**os.environ, "PYTHONPATH": path}).returncode
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
