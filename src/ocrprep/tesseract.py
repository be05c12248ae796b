"""pytesseract with ocrprep's cleanup in front: change ``import pytesseract`` to
``from ocrprep import tesseract as pytesseract`` and nothing else.

Every function has pytesseract's signature and return type, plus ``pipeline=`` (default ``auto``):
the image is cleaned by that pipeline, then pytesseract reads it with the image's DPI (when the
caller's ``config`` gives none). With ``pipeline="none"`` each call is pytesseract's own on the
image as given. When the pipeline rescales, crops or rotates, boxes in ``image_to_data``,
``image_to_boxes``, hOCR and ALTO are moved back onto the caller's image. ``image_to_pdf_or_hocr``'s
PDF shows the image as given (in gray), with the text layer read from the cleaned one.
``pytesseract.pytesseract.tesseract_cmd`` works as before: ``pytesseract`` here is that module.
"""

from __future__ import annotations

import csv
import functools
import io
from typing import Any

import numpy as np
import pytesseract as _pytesseract
from pytesseract import (
    Output,
    TesseractError,
    TesseractNotFoundError,
    TSVNotSupported,
    get_languages,
    get_tesseract_version,
    image_to_osd,
    pytesseract,
)

from . import documents
from .images import load_image, to_gray
from .pipeline import Pipeline
from .plugins import Host
from .types import Scan

__all__ = [
    "Output",
    "TSVNotSupported",
    "TesseractError",
    "TesseractNotFoundError",
    "get_languages",
    "get_tesseract_version",
    "image_to_alto_xml",
    "image_to_boxes",
    "image_to_data",
    "image_to_osd",
    "image_to_pdf_or_hocr",
    "image_to_string",
    "pytesseract",
]

DEFAULT_PIPELINE = "auto"
IMAGE_NAME = "image"
"""How hOCR and ALTO name an image given as pixels rather than a file."""


def image_to_string(image: Any, lang: str | None = None, config: str = "", nice: int = 0,
                    output_type: str = Output.STRING, timeout: float = 0,
                    pipeline: str = DEFAULT_PIPELINE) -> Any:  # fmt: skip
    """The text Tesseract reads off the cleaned image."""
    cleaned, config, _ = _cleaned(image, config, pipeline)
    return _pytesseract.image_to_string(cleaned, lang, config, nice, output_type, timeout)


def image_to_data(image: Any, lang: str | None = None, config: str = "", nice: int = 0,
                  output_type: str = Output.STRING, timeout: float = 0,
                  pandas_config: dict[str, Any] | None = None,
                  pipeline: str = DEFAULT_PIPELINE) -> Any:  # fmt: skip
    """Tesseract's TSV (boxes, confidences, text) of the cleaned image, boxes on ``image``."""
    cleaned, config, scan = _cleaned(image, config, pipeline)
    if scan is None or scan.same_geometry:
        return _pytesseract.image_to_data(cleaned, lang, config, nice, output_type, timeout, pandas_config)
    table = _pytesseract.image_to_data(cleaned, lang, config, nice, Output.STRING, timeout)
    moved = documents.move_tsv(table, scan).rstrip("\n")
    if output_type == Output.DICT:
        return pytesseract.file_to_dict(moved, "\t", -1)
    if output_type == Output.DATAFRAME:
        import pandas

        return pandas.read_csv(
            io.StringIO(moved), **{"quoting": csv.QUOTE_NONE, "sep": "\t", **(pandas_config or {})}
        )
    return moved.encode() if output_type == Output.BYTES else moved


def image_to_boxes(image: Any, lang: str | None = None, config: str = "", nice: int = 0,
                   output_type: str = Output.STRING, timeout: float = 0,
                   pipeline: str = DEFAULT_PIPELINE) -> Any:  # fmt: skip
    """One line per character with its box (origin at the bottom left), boxes on ``image``."""
    cleaned, config, scan = _cleaned(image, config, pipeline)
    if scan is None or scan.same_geometry:
        return _pytesseract.image_to_boxes(cleaned, lang, config, nice, output_type, timeout)
    read_height = scan.pixels.shape[0]
    page_height = scan.input_size[1]
    lines = []
    for line in _pytesseract.image_to_boxes(cleaned, lang, config, nice, Output.STRING, timeout).splitlines():
        char, x0, y0, x1, y1, page = line.rsplit(" ", 5)
        left, top, width, height = scan.input_box(int(x0), read_height - int(y1), int(x1) - int(x0),
                                                  int(y1) - int(y0))  # fmt: skip
        lines.append(f"{char} {left} {page_height - top - height} {left + width} {page_height - top} {page}")
    boxes = "\n".join(lines)
    if output_type == Output.DICT:
        return pytesseract.file_to_dict(f"char left bottom right top page\n{boxes}", " ", 0)
    return boxes.encode() if output_type == Output.BYTES else boxes


def image_to_pdf_or_hocr(image: Any, lang: str | None = None, config: str = "", nice: int = 0,
                         extension: str = "pdf", timeout: float = 0,
                         pipeline: str = DEFAULT_PIPELINE) -> bytes:  # fmt: skip
    """A searchable PDF page (``image`` under the text read off the cleaned one) or hOCR."""
    if pipeline == "none":
        document: bytes = _pytesseract.image_to_pdf_or_hocr(image, lang, config, nice, extension, timeout)
        return document
    pixels, dpi = load_image(image)
    cleaned, config, scan = _clean(pixels, dpi, config, pipeline)
    if extension == "pdf":
        text_layer = _pytesseract.image_to_pdf_or_hocr(
            cleaned, lang, f"{config} -c textonly_pdf=1", nice, "pdf", timeout
        )
        return documents.pdf_page(text_layer, scan, to_gray(pixels), dpi)
    hocr = _pytesseract.image_to_pdf_or_hocr(cleaned, lang, config, nice, extension, timeout)
    return documents.move_hocr(hocr.decode(), scan, _name(image), dpi).encode()


def image_to_alto_xml(image: Any, lang: str | None = None, config: str = "", nice: int = 0,
                      timeout: float = 0, pipeline: str = DEFAULT_PIPELINE) -> bytes:  # fmt: skip
    """Tesseract's ALTO XML of the cleaned image, boxes on ``image``."""
    cleaned, config, scan = _cleaned(image, config, pipeline)
    alto: bytes = _pytesseract.image_to_alto_xml(cleaned, lang, config, nice, timeout)
    if scan is None:
        return alto
    return documents.move_alto(alto.decode(), scan, _name(image)).encode()


@functools.cache
def _pipeline(spec: str) -> Pipeline:
    return Host().pipeline(spec)


def _cleaned(image: Any, config: str, pipeline: str) -> tuple[Any, str, Scan | None]:
    """What pytesseract reads (the image as given for ``none``), the config with the image's DPI,
    and the cleaned Scan (None for ``none``)."""
    if pipeline == "none":
        return image, config, None
    return _clean(*load_image(image), config, pipeline)


def _clean(pixels: np.ndarray, dpi: int | None, config: str, pipeline: str) -> tuple[np.ndarray, str, Scan]:
    """The cleaned pixels, the config with their DPI (unless it gives one), and their Scan."""
    scan = _pipeline(pipeline).process(pixels, dpi)
    if scan.dpi and "--dpi" not in config:
        config = f"--dpi {scan.dpi} {config}".strip()
    return scan.pixels, config, scan


def _name(image: Any) -> str:
    return str(image) if isinstance(image, str) else IMAGE_NAME
