"""The plugin author's contract: the hooks ocrprep calls and the types they exchange.

A plugin is a module or object with functions named like the hooks below, each marked with
``@ocrprep.hookimpl``. Register it through the ``ocrprep`` entry-point group, or load it with
``--plugin MODULE_OR_PATH``. A function marked ``hookimpl`` whose name is not a hook here makes
ocrprep refuse to start, so a misspelled hook is never silently ignored.

Plugins run with the rights of the user who runs ocrprep: install only plugins you trust.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pluggy

from .pipeline import Stage

PROJECT = "ocrprep"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@dataclass(frozen=True)
class Word:
    """One recognised word and its box in pixels of the image that was read."""

    text: str
    confidence: float
    """0 to 100, as Tesseract reports it."""
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class Recognition:
    """What an engine read: the text, the mean word confidence, and the words with their boxes."""

    text: str
    confidence: float | None
    """Mean word confidence, 0 to 100; None when no word was found."""
    words: tuple[Word, ...] = ()
    engine: str = ""


@dataclass(frozen=True)
class RecognizeOptions:
    """How to recognise: which engine, and the Tesseract-style settings every engine may honour."""

    engine: str = "tesseract"
    lang: str = "eng"
    psm: int | None = None
    """Page segmentation mode; None lets the engine choose (``digits`` implies single-line)."""
    oem: int | None = None
    digits: bool = False
    """Read one line of digits and ``.,-/:`` only."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """Extra engine variables, Tesseract's ``-c NAME=VALUE``."""
    timeout: float = 0.0
    """Seconds before giving up on one image; 0 waits for ever."""


DIGIT_CHARACTERS = "0123456789.,-/:"
"""The characters ``digits`` mode allows."""


@hookspec
def preprocess_stages() -> Sequence[Stage] | None:
    """Contribute cleanup stages that users can chain in a pipeline.

    Called once when the host is built, on every plugin, to collect the stages that pipelines may
    name. Return a sequence of :class:`~ocrprep.Stage`; each stage's ``func(image, **params)`` takes a
    read-only 2-D ``uint8`` image (0 = ink, 255 = paper) and returns a new one of the same shape and
    dtype, without touching its input; a stage with ``needs_dpi`` also gets ``dpi=`` (None if
    unknown). Returning None (or an empty sequence) contributes no stages. Two plugins
    contributing the same stage name is an error: disable one of them.
    """


@hookspec(firstresult=True)
def recognize(image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> Recognition | None:
    """Read the text in ``image``: the first plugin that returns a result answers.

    Called once for every image to be read, before cleanup and again after it. ``image`` is a
    read-only 2-D ``uint8`` grayscale array; ``dpi`` its resolution when the file states one.
    Return a :class:`~ocrprep.Recognition` only when ``options.engine`` is your engine's name (by
    convention your plugin's name); otherwise return None so that the engine the user chose answers.
    Raise
    :class:`~ocrprep.errors.EngineMissingError` when the engine is not installed, and
    :class:`~ocrprep.errors.InputError` when this one image cannot be read.
    """
