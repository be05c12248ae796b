"""Speed and memory of ocrprep's own work, as ratios measured in one run (absolute times are noise).

Run with ``make bench`` (or ``.venv/bin/python bench/bench_core.py``). Prints:
1. remove-specks on a 300-DPI A4 page with 5,000 specks against the snippet's per-component loop
   and against one bare ``cv2.connectedComponentsWithStats`` call (goals: >= 100x, <= 3x);
2. the default pipeline per A4 page against one single-threaded Tesseract run on it (goal <= 5%);
3. a 40-page batch with ``--jobs 2`` against ``--jobs 1`` (goal >= 1.8x throughput).

Memory per page is in ``bench_limits.py``.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

import ocrprep
import ocrprep.measure
import ocrprep.pipeline
import ocrprep.plugins
import ocrprep.types
from ocrprep.builtin.despeckle import remove_specks

A4_300 = (3508, 2480)
OCRPREP = str(Path(sys.executable).with_name("ocrprep"))


def page(shape: tuple[int, int], specks: int, seed: int = 0) -> np.ndarray:
    """A page of dark text lines with ``specks`` random dots of 1-3 px, binarised (0 ink, 255 paper)."""
    height, width = shape
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=max(12, height // 80))
    line = "Invoice 2024-03-15  Total 1,234.56  Ref 40417-22911  Tel +1 555-0142 " * 3
    for y in range(height // 20, height - height // 20, height // 45):
        draw.text((width // 20, y), line, font=font, fill=0)
    pixels = np.asarray(img).copy()
    rng = np.random.default_rng(seed)
    for x, y, r in zip(
        rng.integers(0, width, specks),
        rng.integers(0, height, specks),
        rng.integers(1, 3, specks),
        strict=True,
    ):
        cv2.circle(pixels, (int(x), int(y)), int(r), 0, -1)
    return np.where(pixels < 128, 0, 255).astype(np.uint8)


def best_of(repeats: int, func: Callable[[], object]) -> float:
    """The fastest of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def snippet_loop(binary: np.ndarray, min_size: int) -> np.ndarray:
    """The snippet's component filter: one full-image comparison per component it keeps."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(255 - binary, connectivity=8)
    sizes = stats[1:, -1]
    kept = np.zeros(binary.shape, np.uint8)
    for i in range(count - 1):
        if sizes[i] >= min_size:
            kept[labels == i + 1] = 255
    return 255 - kept


def bench_remove_specks() -> None:
    binary = page(A4_300, 5000)
    components = cv2.connectedComponentsWithStats(255 - binary, connectivity=8)[0] - 1
    ours = best_of(5, lambda: remove_specks(ocrprep.Scan(binary), min_size=100))
    bare = best_of(5, lambda: cv2.connectedComponentsWithStats(255 - binary, connectivity=8))
    loop = best_of(1, lambda: snippet_loop(binary, 100))
    print(f"1. remove-specks, A4 300 DPI, {components} components: {ours * 1000:.0f} ms")
    print(f"   vs the snippet's loop ({loop:.1f} s): {loop / ours:,.0f}x faster  (goal >= 100x)")
    print(f"   vs one bare connectedComponentsWithStats: {ours / bare:.2f}x its time  (goal <= 3x)")


def bench_pipeline_vs_tesseract() -> None:
    pages = [page(A4_300, 5000, seed) for seed in range(4)]
    pipeline = ocrprep.plugins.Host().pipeline()
    pipeline.run(pages[0], 300)  # imports and first calls out of the timing
    ours = min(best_of(1, lambda gray=gray: pipeline.run(gray, 300)) for gray in pages[1:])
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    tesseract = best_of(1, lambda: ocrprep.recognize(pages[1], dpi=300))
    print(f"2. default pipeline ({pipeline}) per A4 page, each page new to it: {ours * 1000:.0f} ms;")
    print(f"   one single-threaded Tesseract on the same page: {tesseract:.2f} s")
    print(f"   ratio {ours / tesseract:.1%}  (goal <= 5%)")
    states, full, overviews = pixel_states_and_measurements(pipeline, pages[1])
    print(
        f"   {full} full measurement(s) and {overviews} overview(s) for {states} pixel state(s) the"
        " stages saw  (goal: at most one of each per state)"
    )


def pixel_states_and_measurements(
    pipeline: ocrprep.pipeline.Pipeline, gray: np.ndarray
) -> tuple[int, int, int]:
    """How many pixel states the stages saw, and how often the page was measured in full and shrunk."""
    shapes = []
    measure = ocrprep.types.measure_ink

    def counted(ink: np.ndarray, *args: Any, **kwargs: Any) -> ocrprep.measure.ScanMeasure:
        shapes.append(ink.shape)
        return measure(ink, *args, **kwargs)

    ocrprep.types.measure_ink = counted
    try:
        seen = [ocrprep.Scan(gray, 300).pixels]
        for _, scan in pipeline.stages(gray, 300):
            seen.append(scan.pixels)
    finally:
        ocrprep.types.measure_ink = measure
    states = 1 + sum(not np.array_equal(a, b) for a, b in itertools.pairwise(seen))
    full = sum(shape == gray.shape for shape in shapes)
    return states, full, len(shapes) - full


def bench_jobs(folder: Path) -> None:
    crop = page((1754, 1240), 1500)
    for i in range(40):
        Image.fromarray(np.roll(crop, i * 7, axis=1)).save(folder / f"p{i:02d}.png", dpi=(300, 300))
    times = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        subprocess.run(
            [OCRPREP, "compare", str(folder), "--jobs", str(jobs)], check=True, capture_output=True
        )
        times[jobs] = time.perf_counter() - start
    print(f"3. compare on 40 half-A4 pages: --jobs 1 {times[1]:.1f} s, --jobs 2 {times[2]:.1f} s; "
          f"throughput {times[1] / times[2]:.2f}x  (goal >= 1.8x on {os.cpu_count()} cores)")  # fmt: skip


LAUNCHER = """
import resource, subprocess, sys
subprocess.run([sys.executable, "-m", "ocrprep", *sys.argv[1:]], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_mib(args: list[str], env: Mapping[str, str] | None = None) -> float:
    """Peak resident memory of ``ocrprep ARGS`` (in environment ``env``), read with the resource
    module by a small launcher.

    Linux carries a parent's memory high-water mark into a forked child, so the child is started
    from a fresh, small Python rather than from this benchmark process with its big test pages.
    """
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *args], capture_output=True, text=True, check=True,
                          env=env)  # fmt: skip
    return int(done.stdout.strip()) / 1024


def main() -> None:
    python = sys.version.split()[0]
    print(f"ocrprep benchmarks, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {python}")
    with tempfile.TemporaryDirectory() as tmp:
        bench_remove_specks()
        bench_pipeline_vs_tesseract()
        bench_jobs(Path(tmp))


if __name__ == "__main__":
    main()
