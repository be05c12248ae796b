"""The built-in recognizer: the Tesseract command-line program, through pytesseract.

Tesseract is found on ``PATH``, or at the path in the ``TESSERACT_CMD`` environment variable. It runs
with ``OMP_THREAD_LIMIT=1`` unless the user set that variable: Tesseract's own threads made pages
several times slower on small machines, and a batch gets its parallelism from its workers instead.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import EngineMissingError, InputError
from ..hookspecs import hookimpl
from ..libs import np, pytesseract
from ..types import Engine, Recognition, RecognizeOptions, more_confident

ENGINE = "tesseract"
DOUBTFUL = 50
"""A digit line read with a lower mean word confidence (0-100) than this is read again as one word."""
MAX_SIDE = 32767
"""The longest image side in pixels Tesseract reads ("Image too large" beyond)."""
SINGLE_WORD_PSM = 8
"""Tesseract's page segmentation mode for one word."""
INSTALL_HINT = (
    "install it (Debian/Ubuntu: sudo apt-get install tesseract-ocr tesseract-ocr-eng; "
    "macOS: brew install tesseract) or set TESSERACT_CMD to its path"
)


@functools.cache
def check_tesseract(command: str, lang: str) -> str:
    """Tesseract's version, after checking that the program and the language data are there."""
    pytesseract.pytesseract.tesseract_cmd = command
    try:
        version = str(pytesseract.get_tesseract_version())
        languages = pytesseract.get_languages()
    except (pytesseract.TesseractNotFoundError, OSError):
        raise EngineMissingError(f"Tesseract not found (looked for {command!r}); {INSTALL_HINT}") from None
    missing = [code for code in lang.split("+") if code not in languages]
    if missing:
        raise EngineMissingError(
            f"Tesseract {version} has no language data for {', '.join(missing)} "
            f"(it has {', '.join(sorted(languages)) or 'none'}); install e.g. tesseract-ocr-{missing[0]}"
        )
    return version


def tesseract_config(dpi: int | None, options: RecognizeOptions, variables: Mapping[str, str] = {}) -> str:
    """The command-line arguments pytesseract passes on, from the options, the image's DPI and the
    Tesseract ``variables`` a call needs."""
    args: list[str] = []
    psm = options.segmentation()
    if psm is not None:
        args += ["--psm", str(psm)]
    if options.oem is not None:
        args += ["--oem", str(options.oem)]
    if dpi:
        args += ["--dpi", str(dpi)]
    for name, value in {**options.engine_variables(), **variables}.items():
        args += ["-c", f"{name}={value}"]
    return shlex.join(args)


def run_tesseract(call: Callable[..., Any], image: np.ndarray, dpi: int | None, options: RecognizeOptions,
                  variables: Mapping[str, str] = {}, **extra: Any) -> Any:  # fmt: skip
    """One pytesseract ``call`` on ``image`` with the options; its failures as this image's InputError."""
    check_tesseract(os.environ.get("TESSERACT_CMD", "tesseract"), options.lang)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return call(
            np.ascontiguousarray(image),
            lang=options.lang,
            config=tesseract_config(dpi, options, variables),
            timeout=options.timeout,
            **extra,
        )
    except pytesseract.TesseractError as exc:
        raise InputError(f"Tesseract failed (exit {exc.status}): {exc.message}") from None
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise InputError(f"Tesseract took longer than {options.timeout:g} s; raise --timeout") from None
        raise


def read(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> Recognition:
    """Text, mean word confidence and word boxes, from Tesseract's TSV output.

    In ``digits`` mode without a ``psm`` of the user's, a doubtful read of the line (no text, or a
    mean confidence below ``DOUBTFUL``) is read again as one word, and the more confident read is
    kept. On the dev split that took distorted digit captchas from CER 0.299 to 0.223 and speckled
    digit strings from 0.042 to 0.040, at the cost of a second read of 17 and 7 images in 40.
    """
    line = _read(image, dpi, options)
    if not options.digits or options.psm is not None or (line.confidence or -1) >= DOUBTFUL:
        return line
    word = _read(image, dpi, dataclasses.replace(options, psm=SINGLE_WORD_PSM))
    return word if more_confident(word.confidence, line.confidence) else line


def _read(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> Recognition:
    data = run_tesseract(pytesseract.image_to_data, image, dpi, options, output_type=pytesseract.Output.DICT)
    return Recognition.from_words(data, ENGINE)


def text_layer_pdf(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> bytes:
    """A one-page PDF the size of ``image`` holding only Tesseract's invisible text (its PDF
    renderer with ``textonly_pdf``); ocrprep lays it over the page image it shows."""
    call, variables = pytesseract.image_to_pdf_or_hocr, {"textonly_pdf": "1"}
    pdf: bytes = run_tesseract(call, image, dpi, options, variables, extension="pdf")
    return pdf


def hocr(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> bytes:
    """Tesseract's hOCR (XHTML with a box for every page, block, line and word)."""
    document: bytes = run_tesseract(pytesseract.image_to_pdf_or_hocr, image, dpi, options, extension="hocr")
    return document


def alto(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> bytes:
    """Tesseract's ALTO XML."""
    document: bytes = run_tesseract(pytesseract.image_to_alto_xml, image, dpi, options)
    return document


def tsv(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> bytes:
    """Tesseract's TSV: one row per page, block, paragraph, line and word, with boxes and confidences."""
    table: str = run_tesseract(pytesseract.image_to_data, image, dpi, options)
    return table.encode("utf-8")


@hookimpl
def recognize_engines() -> Sequence[Engine]:
    """The ``tesseract`` engine."""
    renders = {"pdf": text_layer_pdf, "hocr": hocr, "alto": alto, "tsv": tsv}
    return [Engine(ENGINE, read, "The Tesseract program, through pytesseract.", renders, MAX_SIDE)]
