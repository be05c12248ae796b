"""Bounds a user meets (issue 14): memory per page, the giant page, start-up, per-file overhead.

1. peak RSS of ``ocrprep clean`` (default pipeline) on A4 at 300 and 600 DPI, above that of the same
   command on the page's central hundredth (the same libraries loaded and stages at work, no page to
   speak of), as a multiple of the page's gray bytes (goal: at most 6x);
2. ``ocrprep ocr --clean`` of a 35,000-px-square PDF page (a 116-inch poster at 300 DPI) with
   ``--max-memory 3GiB``: time and peak RSS (goal: read, within 3 GiB);
3. start-up of ``ocrprep --version``, ``--help``, ``stages`` and ``plugins`` as a ratio to
   ``python -c pass`` (goal: at most 6x), and the per-file overhead of ``ocrprep clean`` on a
   one-line image (its time minus the pipeline's own time in this process);
4. ``ocrprep clean --pipeline threshold`` of a 1,000-page PDF against a 100-page one: peak RSS
   (goal: flat, streamed page by page).

    .venv/bin/python bench/bench_limits.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pikepdf
from bench_core import page, peak_rss_mib
from PIL import Image, ImageDraw, ImageFont

import ocrprep
import ocrprep.plugins
from ocrprep.testing import render_text

A4 = {300: (3508, 2480), 600: (7016, 4960)}
POSTER_PT = 8400  # 116.7 inches: 35,000 px a side at 300 DPI
STARTUP_GOAL = 6


# An installed package has its bytecode compiled; a setting that forbids writing it would time the
# compiler instead of the start-up.
BYTECODE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# glibc keeps freed memory for reuse and raises the size it maps (and unmaps) by itself as arrays are
# freed; a fixed threshold gives every page-sized array back when freed, so the peak RSS is the
# working set. ocrprep does not set it: the page faults cost a third more time per page.
WORKING_SET_ENV = os.environ | {"MALLOC_MMAP_THRESHOLD_": str(1 << 20)}


def median_seconds(*commands: list[str], repeats: int = 15) -> list[float]:
    """The median time of each command, run in turns so that a machine slowing down for a while
    (a shared virtual machine does) weighs on all of them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeats):
        for command, seen in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=BYTECODE_ENV)
            seen.append(time.perf_counter() - start)
    return [statistics.median(seen) for seen in times]


def bench_a4(folder: Path) -> None:
    pages = {dpi: page(shape, 4000 * dpi // 300) for dpi, shape in A4.items()}
    for dpi, pixels in pages.items():
        Image.fromarray(pixels).save(folder / f"a4_{dpi}.png", dpi=(dpi, dpi))
        Image.fromarray(central_hundredth(pixels)).save(folder / f"a4_{dpi}_centre.png", dpi=(dpi, dpi))
    for allocator, env in (("", None), (", glibc holding no freed memory", WORKING_SET_ENV)):
        for dpi, pixels in pages.items():
            peak, baseline = (
                peak_rss_mib(["clean", str(folder / name), "-o", str(folder / "out.png"), "--jobs", "1"], env)
                for name in (f"a4_{dpi}.png", f"a4_{dpi}_centre.png")
            )
            size = pixels.nbytes / 2**20
            print(f"1. clean of A4 at {dpi} DPI ({pixels.size / 1e6:.1f} Mpx, {size:.0f} MiB){allocator}: "
                  f"peak RSS {peak:.0f} MiB, {peak - baseline:.0f} MiB above its central hundredth's = "
                  f"{(peak - baseline) / size:.1f}x the page (goal <= 6x)")  # fmt: skip
    for dpi, pixels in pages.items():
        ratio = pipeline_working_set(pixels, dpi)
        print(f"1. the default pipeline's arrays at their peak, A4 at {dpi} DPI: {ratio:.1f}x the page")


def central_hundredth(pixels: np.ndarray) -> np.ndarray:
    """The middle tenth of the page each way: the same print and specks, so the same stages act and
    the same libraries load (a tiny page of its own never opened, so a 600-DPI page's figure held
    scikit-image's morphology import, 36 MiB, a page's worth), at a hundredth of the pixels."""
    height, width = pixels.shape
    return pixels[height * 9 // 20 : height * 11 // 20, width * 9 // 20 : width * 11 // 20].copy()


def pipeline_working_set(pixels: np.ndarray, dpi: int) -> float:
    """The most memory the default pipeline's numpy arrays hold at once above its input page
    (tracemalloc; OpenCV's own temporaries are not seen), as a multiple of the page's bytes."""
    pipeline = ocrprep.plugins.Host().pipeline(None, None)
    tracemalloc.start()
    pipeline.process(pixels, dpi)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / pixels.nbytes


def bench_poster(folder: Path) -> None:
    poster = Image.new("L", (1200, 1200), 255)
    ImageDraw.Draw(poster).text((100, 500), "Poster 4711", font=ImageFont.load_default(size=40), fill=0)
    path = folder / "poster.pdf"
    poster.save(path, resolution=1200 / (POSTER_PT / 72))
    start = time.perf_counter()
    peak = peak_rss_mib(["ocr", str(path), "--clean", "--max-memory", "3GiB"])
    seconds = time.perf_counter() - start
    print(f"2. ocr --clean of a {POSTER_PT}-pt-square PDF page (35,000 px a side at 300 DPI), "
          f"--max-memory 3GiB: {seconds:.1f} s, peak RSS {peak:.0f} MiB "
          "(goal: read, <= 3072 MiB)")  # fmt: skip


def bench_startup(folder: Path) -> None:
    commands = (["--version"], ["--help"], ["stages"], ["plugins"])
    ocrprep_command = [sys.executable, "-m", "ocrprep"]
    runs = [[*ocrprep_command, *args] for args in commands]
    bare, *seconds = median_seconds([sys.executable, "-c", "pass"], *runs)
    for args, took in zip(commands, seconds, strict=True):
        print(f"3. ocrprep {' '.join(args)}: {took * 1000:.0f} ms = {took / bare:.1f}x python -c pass "
              f"({bare * 1000:.0f} ms; goal <= {STARTUP_GOAL}x)")  # fmt: skip
    line = render_text("Invoice 4711  2024-03-15", size=40)
    path = folder / "line.png"
    Image.fromarray(line).save(path, dpi=(300, 300))
    (whole,) = median_seconds([*ocrprep_command, "clean", str(path), "-o", str(folder / "o.png")])
    start = time.perf_counter()
    ocrprep.clean(line, "auto")
    work = time.perf_counter() - start
    print(f"3. clean of one one-line image: {whole * 1000:.0f} ms, of which "
          f"{(whole - work) * 1000:.0f} ms is per-file overhead "
          "(start-up, plugins, reading, writing)")  # fmt: skip


def bench_long_pdf(folder: Path) -> None:
    one = folder / "one.pdf"
    Image.fromarray(page((1240, 875), 400)).save(one, resolution=150)  # an A6 page at 150 DPI
    peaks = {}
    for count in (100, 1000):
        with pikepdf.open(one) as source, pikepdf.new() as pdf:
            pdf.pages.extend([source.pages[0]] * count)
            pdf.save(folder / f"long_{count}.pdf")
        start = time.perf_counter()
        # threshold alone: the reading is measured, not the cleanup
        output = str(folder / f"out_{count}")
        peaks[count] = peak_rss_mib(["clean", str(folder / f"long_{count}.pdf"), "-o", output,
                                     "--pipeline", "threshold", "--jobs", "1"])  # fmt: skip
        seconds = time.perf_counter() - start
        print(f"4. clean of a {count}-page PDF: {seconds:.0f} s, peak RSS {peaks[count]:.0f} MiB")
    print(f"4. peak RSS 1,000 pages / 100 pages: {peaks[1000] / peaks[100]:.2f} (goal: flat, <= 1.1)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_a4(Path(tmp))
        bench_poster(Path(tmp))
        bench_startup(Path(tmp))
        bench_long_pdf(Path(tmp))


if __name__ == "__main__":
    main()
