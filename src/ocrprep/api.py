"""The public API's three calls; ``ocrprep`` exports them (see its docstring)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeAlias

from .batch import Executor, Settings, keep_read
from .comparison import CompareWork, Report, default_inputs, run_compare
from .images import expand_inputs, load_image
from .libs import Image, np
from .metrics import TextOptions
from .plugins import Host
from .types import Recognition, RecognizeOptions

ImageSource: TypeAlias = "str | Path | Image.Image | np.ndarray"


def clean(
    image: ImageSource,
    pipeline: str | None = None,
    *,
    pipeline_file: Path | None = None,
    plugins: Iterable[str] = (),
) -> np.ndarray:
    """Run a cleanup pipeline (the default one when None) and return the cleaned 2-D uint8 image.

    ``image`` is a path (its first page is used), a Pillow image or a numpy array; it is not changed.
    The result is the caller's own: never the input array, even when no stage changed it.
    ``plugins`` are extra plugin modules or ``.py`` paths, as with ``--plugin``.
    """
    pixels, dpi = load_image(image)
    cleaned = Host(plugins).pipeline(pipeline, pipeline_file).run(pixels, dpi)
    shared = isinstance(image, np.ndarray) and np.may_share_memory(cleaned, image)
    return cleaned.copy() if shared else cleaned


def recognize(
    image: ImageSource,
    options: RecognizeOptions | None = None,
    *,
    pipeline: str | None = None,
    pipeline_file: Path | None = None,
    dpi: int | None = None,
    plugins: Iterable[str] = (),
) -> Recognition:
    """Read the text of ``image`` with the engine ``options`` names, cleaned first by ``pipeline``.

    Without ``pipeline`` (or ``pipeline_file``) the image is read as it is. Whatever the pipeline
    does (rescale, crop, rotate), the word boxes refer to ``image``'s own pixels. ``dpi`` overrides
    the resolution read from the file. Returns the text, mean confidence and words. A doubtful read
    of the cleaned page is read again binarised (:meth:`~ocrprep.plugins.Host.read_cleaned`); when
    it reads no word at all, the page is read as it is too and the more confident read is kept.
    """
    pixels, file_dpi = load_image(image)
    host = Host(plugins)
    options = options or RecognizeOptions()

    def original() -> Recognition:
        return host.read(host.pipeline("none").process(pixels, dpi or file_dpi), options)

    if not (pipeline or pipeline_file):
        return original()
    cleaned = host.pipeline(pipeline, pipeline_file).process(pixels, dpi or file_dpi)
    return keep_read(host.read_cleaned(cleaned, options)[0], original)[0]


def compare(
    paths: Iterable[str | Path],
    pipeline: str | None = None,
    options: RecognizeOptions | None = None,
    *,
    pipeline_file: Path | None = None,
    text_options: TextOptions | None = None,
    truth_dir: Path | None = None,
    keep_better: bool = False,
    plugins: Iterable[str] = (),
    jobs: int = 1,
) -> Report:
    """OCR every page of ``paths`` (files or folders) before and after cleanup.

    Returns the report; ``report.as_dict()`` is exactly what ``ocrprep compare --json`` writes. Pages
    with a ``<stem>.gt.txt`` beside them are scored; unreadable files are listed in ``report.failures``.
    ``keep_better`` keeps, per page, the original when it reads with higher confidence than the cleaned.
    ``jobs`` worker processes share the batch.
    """
    settings = Settings(tuple(plugins), (), pipeline, pipeline_file, options or RecognizeOptions())
    work = CompareWork(settings, text_options or TextOptions(), truth_dir, keep_better)
    files = expand_inputs(default_inputs(Path(p) for p in paths))
    return run_compare(files, work, executor=Executor(jobs))
