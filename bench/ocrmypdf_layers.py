"""OCRmyPDF's text layer three ways: plain, ``--clean`` (unpaper) and ``--ocrprep-pipeline auto``.

Builds one PDF from the first COUNT images of a folder with ground truth (``X.gt.txt`` beside
``X.png|jpg``; default ``../shared/data/sroie``), or the speckled two-page scan of the plugin's test
with ``--speckled``. Runs the installed ``ocrmypdf`` (one job, Tesseract on one thread, so the time
per page is the work of one page) with plugins/ocrmypdf-ocrprep installed into a temporary folder,
reads each page's text layer back with pypdfium2, and prints the mean CER (case folded) and the
time per page for each way. Needs the dev extra (``ocrmypdf``) and Debian's ``unpaper``.

    .venv/bin/python bench/ocrmypdf_layers.py [--folder DIR] [--count 10] [--speckled]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2
from PIL import Image

from ocrprep.images import IMAGE_SUFFIXES
from ocrprep.metrics import TextOptions, cer

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "ocrmypdf-ocrprep"
WAYS = {"plain": [], "--clean": ["--clean"], "--ocrprep-pipeline auto": ["--ocrprep-pipeline", "auto"]}
FOLDED = TextOptions(ignore_case=True)
ASSUMED_DPI = 300


def folder_pdf(folder: Path, count: int, out: Path) -> list[str]:
    """The first ``count`` images with ground truth as one PDF (their DPI, else 300); the truths."""
    images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    chosen = [p for p in images if p.with_suffix(".gt.txt").exists()][:count]
    pages = []
    for path in chosen:
        with Image.open(path) as image:
            pages.append((image.convert("L"), image.info.get("dpi", (ASSUMED_DPI,))[0]))
    first, dpi = pages[0]
    first.save(out, save_all=True, append_images=[p for p, _ in pages[1:]], resolution=dpi)
    return [p.with_suffix(".gt.txt").read_text(encoding="utf-8") for p in chosen]


def speckled_pdf(out: Path) -> list[str]:
    """The plugin test's speckled two-page scan, and its lines."""
    sys.path[:0] = [str(PLUGIN / "tests"), str(PLUGIN / "src")]
    from test_ocrmypdf_ocrprep import PAGES, speckled_page

    first, *rest = (speckled_page(lines, seed) for seed, lines in enumerate(PAGES))
    first.save(out, save_all=True, append_images=rest, resolution=300)
    return ["\n".join(lines) for lines in PAGES]


def layers(pdf: Path) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def install_plugin(work: Path) -> Path:
    """plugins/ocrmypdf-ocrprep installed into a folder for ``PYTHONPATH``, as its test does."""
    ignore = shutil.ignore_patterns("*.egg-info", "build", "__pycache__")
    source, site = shutil.copytree(PLUGIN, work / "plugin", ignore=ignore), work / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site)]
    subprocess.run([*pip, str(source)], check=True, timeout=600)
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT.parent / "shared" / "data" / "sroie")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--speckled", action="store_true", help="the plugin test's scan instead of a folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(install_plugin(work)), "OMP_THREAD_LIMIT": "1"}
        scan, out = work / "scan.pdf", work / "out.pdf"
        truths = speckled_pdf(scan) if args.speckled else folder_pdf(args.folder, args.count, scan)
        origin = "the plugin test" if args.speckled else args.folder
        print(f"{len(truths)} page(s) from {origin}, text-layer CER (case folded) and time per page:")
        ocrmypdf = [str(Path(sys.executable).with_name("ocrmypdf")), "--output-type", "pdf", "--jobs", "1"]
        for way, flags in WAYS.items():
            start = time.perf_counter()
            subprocess.run(
                [*ocrmypdf, "--quiet", *flags, str(scan), str(out)], check=True, env=env, timeout=3600
            )
            seconds = time.perf_counter() - start
            rates = [cer(t, text, FOLDED) for t, text in zip(truths, layers(out), strict=True)]
            print(f"  {way:26s} CER {statistics.fmean(rates):.3f}  {seconds / len(truths):.2f} s/page")


if __name__ == "__main__":
    main()
