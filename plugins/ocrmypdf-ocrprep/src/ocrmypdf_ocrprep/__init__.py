"""ocrmypdf-ocrprep: OCRmyPDF reads each page cleaned by ocrprep, while the PDF shows the scan.

OCRmyPDF calls ``filter_ocr_image`` on the image Tesseract is about to read, never on the image the
output PDF shows, so the text layer comes from the cleaned page and the visible page stays as it
was scanned. The hook is first-result: once this plugin returns an image, OCRmyPDF's own Tesseract
plugin, which shrinks images too large for Tesseract in the same hook, is not called, so this one
does that shrinking too, before cleaning (memory) and after it (a stage may enlarge the page).
Without ``--ocrprep-pipeline`` the plugin returns nothing and OCRmyPDF goes on as if it were not
installed. It starts no processes or threads: OCRmyPDF's page workers call it.
"""

from __future__ import annotations

import argparse
import logging
from functools import cache
from typing import Any

import numpy as np
from ocrmypdf import hookimpl
from ocrmypdf.exceptions import BadArgsError
from ocrmypdf.imageops import calculate_downsample, downsample_image
from PIL import Image
from pydantic import BaseModel

from ocrprep.errors import OcrprepError
from ocrprep.pipeline import Pipeline
from ocrprep.plugins import Host

log = logging.getLogger(__name__)

TESSERACT_MAX_SIDE = 32_767
"""Tesseract reads images of at most this many pixels a side."""
TESSERACT_MAX_BYTES = 2**31 - 1


class OcrprepOptions(BaseModel):
    """The plugin's options, as OCRmyPDF hands them to workers (``options.ocrprep``)."""

    pipeline: str | None = None
    """An ocrprep pipeline (``auto``, a stage chain, a named pipeline); None: do nothing."""
    plugin: list[str] = []
    """Extra ocrprep plugins: module names or paths of ``.py`` files."""


@hookimpl
def register_options() -> dict[str, type[BaseModel]]:
    return {"ocrprep": OcrprepOptions}


@hookimpl
def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("ocrprep", "Clean the image Tesseract reads with ocrprep")
    group.add_argument(
        "--ocrprep-pipeline",
        metavar="SPEC",
        dest="ocrprep_pipeline",
        help="clean each page's OCR image with this ocrprep pipeline, e.g. auto (see `ocrprep stages`); "
        "the output PDF still shows the original page",
    )
    group.add_argument(
        "--ocrprep-plugin",
        metavar="MODULE",
        action="append",
        default=[],
        dest="ocrprep_plugin",
        help="load an ocrprep plugin (module name or .py path) for --ocrprep-pipeline; repeatable",
    )


@hookimpl
def check_options(options: Any) -> None:
    settings = options.ocrprep
    if settings.plugin and not settings.pipeline:
        raise BadArgsError("--ocrprep-plugin needs --ocrprep-pipeline")
    if settings.pipeline:
        try:
            chain(settings.pipeline, tuple(settings.plugin))
        except OcrprepError as exc:
            raise BadArgsError(f"--ocrprep-pipeline: {exc}") from None


@hookimpl
def filter_ocr_image(page: Any, image: Image.Image) -> Image.Image | None:
    settings = page.options.ocrprep
    if not settings.pipeline:
        return None  # OCRmyPDF's own hook runs as if this plugin were not installed
    image = fit_tesseract(page.options, image)
    dpi = image.info.get("dpi")
    resolution = round(float(dpi[0])) if dpi else None
    cleaned = chain(settings.pipeline, tuple(settings.plugin)).process(
        np.asarray(image.convert("L")), resolution
    )
    result = Image.fromarray(cleaned.pixels)
    if dpi:
        scale = result.width / image.width, result.height / image.height
        result.info["dpi"] = (float(dpi[0]) * scale[0], float(dpi[1]) * scale[1])
    return fit_tesseract(page.options, result)


@cache
def chain(pipeline: str, plugins: tuple[str, ...]) -> Pipeline:
    """The parsed pipeline, built once per worker process."""
    return Host(plugins).pipeline(pipeline)


def fit_tesseract(options: Any, image: Image.Image) -> Image.Image:
    """``image`` shrunk, as OCRmyPDF's Tesseract plugin does, to within Tesseract's limits and
    ``--tesseract-downsample-above`` (when ``--tesseract-downsample-large-images`` is on)."""
    tesseract = getattr(options, "tesseract", None)
    if tesseract is None or not tesseract.downsample_large_images:
        return image
    side = min(tesseract.downsample_above, TESSERACT_MAX_SIDE)
    size = calculate_downsample(image, max_size=(side, side), max_bytes=TESSERACT_MAX_BYTES)
    if size != image.size:
        log.info("ocrprep: page image %s shrunk to %s for Tesseract", image.size, size)
    return downsample_image(image, size)
