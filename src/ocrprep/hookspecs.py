"""The plugin author's contract: the hooks ocrprep calls. The types they exchange are in ``ocrprep.types``.

A plugin is a module or object with functions named like the hooks below, each marked with
``@ocrprep.hookimpl``. Register it through the ``ocrprep`` entry-point group, or load it with
``--plugin MODULE_OR_PATH``. A function marked ``hookimpl`` whose name is not a hook here makes
ocrprep refuse to start, so a misspelled hook is never silently ignored.

Both hooks are called once, when the host is built, on every plugin (neither is first-result): a
plugin contributes objects, and the user chooses among them by name (``--pipeline``, ``--engine``).

Plugins run with the rights of the user who runs ocrprep: install only plugins you trust.
"""

from __future__ import annotations

from collections.abc import Sequence

import pluggy

from .types import Engine, Stage

PROJECT = "ocrprep"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def preprocess_stages() -> Sequence[Stage] | None:
    """Contribute cleanup stages that users can chain in a pipeline.

    Return a sequence of :class:`~ocrprep.Stage`. A stage's ``func(scan, **params)`` gets a
    :class:`~ocrprep.Scan`: ``scan.pixels`` (a read-only 2-D ``uint8`` image, 0 = ink, 255 = paper),
    ``scan.dpi`` (None if unknown) and ``scan.measure`` (the text's stroke width, character height,
    specks..., measured once and shared by every stage that sees the same pixels; ``scan.overview``
    the same from a copy of at most 4 megapixels, for sizes where a pixel does not matter;
    ``scan.inverted`` the overview's polarity alone, without measuring the text). It returns new
    pixels of the same shape and dtype, without touching its input; or, when it scales, crops or
    rotates, an :class:`~ocrprep.Warped` saying how (``Warped.scale``, ``Warped.crop``,
    ``Warped.affine``), and the host adjusts the DPI and maps word boxes back to the input file.
    Each :class:`~ocrprep.Param` names an argument of ``func`` whose default is the parameter's.
    Returning None (or an empty sequence) contributes no stages. Two plugins contributing the same
    stage name is an error: disable one of them.
    """


@hookspec
def recognize_engines() -> Sequence[Engine] | None:
    """Contribute recognizers that users select with ``--engine NAME``.

    Return a sequence of :class:`~ocrprep.Engine`. Its ``read(image, dpi, options)`` gets a
    read-only 2-D ``uint8`` grayscale image, its resolution (None when unknown) and the
    :class:`~ocrprep.RecognizeOptions`, and returns a :class:`~ocrprep.Recognition` whose word boxes
    are in the image's pixels. ``renders`` lists the documents the engine can also write, by format
    (``"pdf"``: a one-page PDF the size of the image holding its invisible text alone, which
    ocrprep lays over the page image; ``"tsv"``, ``"hocr"``, ``"alto"``: Tesseract's formats), each
    a function of the same arguments returning bytes. Raise
    :class:`~ocrprep.errors.EngineMissingError` when what the engine needs is not installed, and
    :class:`~ocrprep.errors.InputError` when this one image cannot be read.
    Returning None (or an empty sequence) contributes no engine. Two plugins contributing the same
    engine name is an error: disable one of them.
    """
