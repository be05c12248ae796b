"""ocrmypdf-ocrprep with the real OCRmyPDF and Tesseract on a speckled scanned PDF made here.

The plugin is installed as users get it, into a throwaway folder on ``PYTHONPATH`` (``pip install
--target``), so OCRmyPDF finds it through its entry point; without that folder OCRmyPDF runs as if
the plugin did not exist. The text layers are read back with pypdfium2.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pypdfium2
import pytest
from ocrmypdf_ocrprep import fit_tesseract
from PIL import Image, ImageDraw, ImageFont

from ocrprep.metrics import cer

PLUGIN = Path(__file__).resolve().parent.parent
OCRMYPDF = str(Path(sys.executable).with_name("ocrmypdf"))
PAGES = (
    ("Invoice 2024-0711 for Nordic Supply Ltd.", "Delivery of 48 boxes on 15 March 2024"),
    ("Order reference 40417-22911 was shipped", "Thank you for your prompt payment"),
)


def speckled_page(lines: tuple[str, ...], seed: int) -> Image.Image:
    """A 300-DPI scan of ``lines`` with 4 % pepper noise and 500 round specks of 2-4 px."""
    image = Image.new("L", (2480, 800), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    for row, line in enumerate(lines):
        draw.text((200, 200 + row * 110), line, font=font, fill=0)
    pixels = np.asarray(image).copy()
    rng = np.random.default_rng(seed)
    pixels[rng.random(pixels.shape) < 0.04] = 0
    for x, y, r in zip(
        rng.integers(0, 2480, 500), rng.integers(0, 800, 500), rng.integers(2, 5, 500), strict=True
    ):
        cv2.circle(pixels, (int(x), int(y)), int(r), 0, -1)
    return Image.fromarray(pixels)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin installed from a copy of its source (building leaves nothing in the repository)."""
    work = tmp_path_factory.mktemp("plugin")
    source = shutil.copytree(
        PLUGIN, work / "src", ignore=shutil.ignore_patterns("*.egg-info", "build", "__pycache__")
    )
    target = work / "site"
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--target",
        str(target),
        str(source),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return target


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scan") / "speckled.pdf"
    first, *rest = (speckled_page(lines, seed) for seed, lines in enumerate(PAGES))
    first.save(path, save_all=True, append_images=rest, resolution=300)
    return path


def ocrmypdf(scan: Path, out: Path, *args: str, plugin: Path | None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["OMP_THREAD_LIMIT"] = "1"
    if plugin is not None:
        env["PYTHONPATH"] = str(plugin)
    command = [OCRMYPDF, "--output-type", "pdf", "--jobs", "2", *args, str(scan), str(out)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


def text_layer(pdf: Path) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    return [" ".join(page.get_textpage().get_text_range().split()) for page in document]


def rendered(pdf: Path) -> list[np.ndarray]:
    document = pypdfium2.PdfDocument(pdf)
    return [np.asarray(page.render(scale=1).to_pil().convert("L")) for page in document]


def page_cer(pdf: Path) -> float:
    texts = text_layer(pdf)
    return float(np.mean([cer(" ".join(lines), text) for lines, text in zip(PAGES, texts, strict=True)]))


@pytest.fixture(scope="module")
def plain(scan: Path, installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "plain.pdf"
    done = ocrmypdf(scan, out, plugin=installed)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def test_installed_ocrmypdf_loads_the_plugin_and_it_does_nothing_unless_asked(
    scan, installed, plain, tmp_path
):
    help_text = subprocess.run(
        [OCRMYPDF, "--help"], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(installed)}
    ).stdout
    assert "--ocrprep-pipeline" in help_text and "--ocrprep-plugin" in help_text
    without = tmp_path / "without.pdf"
    assert ocrmypdf(scan, without, plugin=None).returncode == 0
    assert text_layer(without) == text_layer(plain)


def test_the_text_layer_comes_from_the_cleaned_page_and_the_pages_still_show_the_scan(
    scan, installed, plain, tmp_path
):
    cleaned, unpaper = tmp_path / "ocrprep.pdf", tmp_path / "clean.pdf"
    assert ocrmypdf(scan, unpaper, "--clean", plugin=installed).returncode == 0
    done = ocrmypdf(scan, cleaned, "--ocrprep-pipeline", "auto", plugin=installed)
    assert done.returncode == 0, done.stderr[-2000:]
    assert page_cer(cleaned) < min(page_cer(plain), page_cer(unpaper))
    assert page_cer(cleaned) < 0.15
    for shown, scanned in zip(rendered(cleaned), rendered(plain), strict=True):
        assert np.array_equal(shown, scanned), "the visible page is the scan, untouched"


def test_a_bad_pipeline_is_refused_with_one_clear_line(scan, installed, tmp_path):
    done = ocrmypdf(scan, tmp_path / "out.pdf", "--ocrprep-pipeline", "despeckle(3)", plugin=installed)
    assert done.returncode != 0 and not (tmp_path / "out.pdf").exists()
    assert "--ocrprep-pipeline: unknown stage 'despeckle'" in done.stderr and "Traceback" not in done.stderr
    lonely = ocrmypdf(scan, tmp_path / "out.pdf", "--ocrprep-plugin", "x.py", plugin=installed)
    assert lonely.returncode != 0 and "--ocrprep-plugin needs --ocrprep-pipeline" in lonely.stderr


def test_images_too_large_for_tesseract_are_shrunk_as_ocrmypdf_does_with_the_dpi_kept_true():
    options = SimpleNamespace(tesseract=SimpleNamespace(downsample_large_images=True, downsample_above=1000))
    image = Image.new("L", (4000, 200), 255)
    image.info["dpi"] = (300, 300)
    fitted = fit_tesseract(options, image)
    assert fitted.size == (1000, 50) and fitted.info["dpi"] == (75, 75)
    small = Image.new("L", (800, 200), 255)
    small.info["dpi"] = (300, 300)
    assert fit_tesseract(options, small) is small
    options.tesseract.downsample_large_images = False
    assert fit_tesseract(options, image) is image
