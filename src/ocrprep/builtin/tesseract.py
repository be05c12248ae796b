"""The built-in recognizer: the Tesseract command-line program, through pytesseract.

Tesseract is found on ``PATH``, or at the path in the ``TESSERACT_CMD`` environment variable. It runs
with ``OMP_THREAD_LIMIT=1`` unless the user set that variable: Tesseract's own threads made pages
several times slower on small machines, and a batch gets its parallelism from its workers instead.
"""

from __future__ import annotations

import functools
import os
import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pytesseract

from ..errors import EngineMissingError, InputError
from ..hookspecs import DIGIT_CHARACTERS, Recognition, RecognizeOptions, Word, hookimpl

ENGINE = "tesseract"
SINGLE_LINE_PSM = 7
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


def tesseract_config(dpi: int | None, options: RecognizeOptions) -> str:
    """The command-line arguments pytesseract passes on, from the options and the image's DPI."""
    args: list[str] = []
    psm = options.psm if options.psm is not None else (SINGLE_LINE_PSM if options.digits else None)
    if psm is not None:
        args += ["--psm", str(psm)]
    if options.oem is not None:
        args += ["--oem", str(options.oem)]
    if dpi:
        args += ["--dpi", str(dpi)]
    variables = dict(options.variables)
    if options.digits:
        variables.setdefault("tessedit_char_whitelist", DIGIT_CHARACTERS)
    for name, value in variables.items():
        args += ["-c", f"{name}={value}"]
    return shlex.join(args)


def words_to_recognition(data: Mapping[str, Sequence[Any]]) -> Recognition:
    """Text, mean confidence and word boxes from pytesseract's ``image_to_data`` dictionary.

    Words on one line are joined by spaces, lines by newlines, blocks by a blank line.
    """
    words: list[Word] = []
    lines: list[str] = []
    current: list[str] = []
    position: tuple[int, int, int] | None = None
    for i, raw in enumerate(data["text"]):
        text = str(raw).strip()
        confidence = float(data["conf"][i])
        if not text or confidence < 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        if position is not None and key != position:
            lines.append(" ".join(current))
            if key[0] != position[0]:
                lines.append("")
            current = []
        position = key
        current.append(text)
        box = (int(data[name][i]) for name in ("left", "top", "width", "height"))
        words.append(Word(text, confidence, *box))
    if current:
        lines.append(" ".join(current))
    mean = float(np.mean([w.confidence for w in words])) if words else None
    return Recognition("\n".join(lines), mean, tuple(words), ENGINE)


def run_tesseract(call: Callable[..., Any], image: np.ndarray, dpi: int | None, options: RecognizeOptions,
                  **extra: Any) -> Any:  # fmt: skip
    """One pytesseract ``call`` on ``image`` with the options; its failures as this image's InputError."""
    check_tesseract(os.environ.get("TESSERACT_CMD", "tesseract"), options.lang)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return call(
            np.ascontiguousarray(image),
            lang=options.lang,
            config=tesseract_config(dpi, options),
            timeout=options.timeout,
            **extra,
        )
    except pytesseract.TesseractError as exc:
        raise InputError(f"Tesseract failed (exit {exc.status}): {exc.message}") from None
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise InputError(f"Tesseract took longer than {options.timeout:g} s; raise --timeout") from None
        raise


def searchable_pdf(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> bytes:
    """A one-page PDF of ``image`` with Tesseract's invisible text layer over it (its PDF renderer)."""
    pdf: bytes = run_tesseract(pytesseract.image_to_pdf_or_hocr, image, dpi, options, extension="pdf")
    return pdf


@hookimpl
def recognize(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> Recognition | None:
    """Read ``image`` with Tesseract when the tesseract engine is selected."""
    if options.engine != ENGINE:
        return None
    data = run_tesseract(pytesseract.image_to_data, image, dpi, options, output_type=pytesseract.Output.DICT)
    return words_to_recognition(data)
