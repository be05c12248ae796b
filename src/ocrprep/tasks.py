"""The per-page work of ``clean`` and ``ocr``, as picklable objects a batch can run anywhere."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .batch import Settings, keep_read
from .documents import page_document
from .errors import InputError
from .images import Page, display_path, to_gray, write_image
from .libs import np
from .measure import describe
from .types import Scan


def shared_stems(files: Iterable[Path]) -> frozenset[str]:
    """The stems that files of different names have (``scan.png``, ``scan.pdf``). Files of one name
    in two folders share their whole name too; the second of them is refused instead."""
    counts = Counter(stem for stem, _ in {(path.stem, path.name) for path in files})
    return frozenset(stem for stem, count in counts.items() if count > 1)


def output_name(path: Path, shared: frozenset[str]) -> str:
    """What an input's outputs are named after: its stem, or its whole name when another input of
    the batch has the same stem (``scan.png`` and ``scan.pdf`` write ``scan.png.png`` and
    ``scan.pdf.png``), so that neither overwrites the other and the names stay predictable."""
    return path.name if path.stem in shared else path.stem


@dataclass(frozen=True)
class CleanWork:
    """Clean a page and write it losslessly, atomically, with its DPI.

    Writes ``OUT/<name>.png`` (``<name>.<page>.png`` for a page of a multi-page file; ``<name>`` is
    :func:`output_name`), or the one ``target`` file when the batch has a single input; with
    ``save_stages``, every stage's output too.
    """

    settings: Settings
    output: Path
    single_target: bool = False
    save_stages: Path | None = None
    skip_existing: bool = False
    shared: frozenset[str] = frozenset()
    """Stems that several inputs of the batch have (see :func:`shared_stems`)."""

    def file_target(self, path: Path) -> Path:
        """Where a one-page input file's output goes."""
        return self.output if self.single_target else self.output / f"{output_name(path, self.shared)}.png"

    def target(self, page: Page) -> Path:
        if not self.single_target:
            return self.output / f"{self.page_name(page)}.png"
        if page.count == 1:
            return self.output
        return self.output.with_stem(f"{self.output.stem}.{page.number}")

    def page_name(self, page: Page) -> str:
        name = output_name(page.path, self.shared)
        return f"{name}.{page.number}" if page.count > 1 else name

    def __call__(self, page: Page) -> tuple[str, Path | None]:
        """The page's label and where it was written; None when skipped as already there."""
        target = self.target(page)
        if self.skip_existing and target.exists():
            return page.label, None
        # the last step's Scan is written: a pipeline has one step at least (parse_pipeline), and no
        # gray copy of the page is kept beside the stages'
        for number, (step, scan) in enumerate(self.settings.chain().stages(page.image, page.dpi), 1):
            if self.save_stages is not None:
                _write(self.save_stages / f"{self.page_name(page)}.{number}-{step.stage.name}.png",
                       scan.pixels, scan.dpi)  # fmt: skip
        _write(target, scan.pixels, scan.dpi)
        return page.label, target


@dataclass(frozen=True)
class Reading:
    """What ``ocr`` prints and writes for a page."""

    path: Path
    label: str
    text: str
    confidence: float | None
    engine: str
    dpi: int | None
    kept: str
    """``cleaned``, or ``original`` when the page was not cleaned or read better uncleaned."""
    documents: dict[str, bytes] = field(default_factory=dict)
    """With ``OcrWork.formats``: the page's document in each format, boxes on the input page."""
    scan: str = ""
    """With ``OcrWork.measure``: what ``measure_scan`` found, in words."""


@dataclass(frozen=True)
class OcrWork:
    """Read a page, cleaned first when asked; with ``keep_better``, or when the cleaned page read no
    word (:func:`~ocrprep.batch.keep_read`), the more confident of both."""

    settings: Settings
    clean: bool = False
    keep_better: bool = False
    formats: tuple[str, ...] = ()
    """Also write the page in these ``documents.FORMATS``, from the read it kept."""
    pdf_image: str = "original"
    """The image a PDF page shows: the page as it is, or ``cleaned``."""
    measure: bool = False
    """Also describe the scan (stroke width, character height, DPI, print) for ``--verbose``."""

    def __call__(self, page: Page) -> Reading:
        host, options = self.settings.host(), self.settings.options
        original = Scan(to_gray(page.image), page.dpi)
        cleaned = (
            self.settings.chain().process(page.image, page.dpi) if self.clean or self.keep_better else None
        )
        if cleaned is None:
            result, kept = host.read(original, options), "original"
        else:
            first, cleaned = host.read_cleaned(cleaned, options)
            result, kept = keep_read(first, lambda: host.read(original, options), self.keep_better)
        read = host.fitted(
            cleaned if kept == "cleaned" and cleaned is not None else original, options, warn=False
        )
        shown = cleaned if self.pdf_image == "cleaned" and cleaned is not None else original
        documents = {
            kind: page_document(
                kind, result.text, read, lambda render: host.render(render, read.pixels, read.dpi, options),
                shown, display_path(page.path), page.dpi, page.file_grid,
            )
            for kind in self.formats
        }  # fmt: skip
        scan = describe(original.measure.as_dict()) if self.measure else ""
        return Reading(
            page.path,
            page.label,
            result.text,
            result.confidence,
            result.engine,
            page.dpi,
            kept,
            documents,
            scan,
        )


def _write(path: Path, image: np.ndarray, dpi: int | None) -> None:
    """Write an output, turning a full disk or a read-only folder into this page's InputError."""
    try:
        write_image(path, image, dpi)
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc}; check the folder is writable and has space"
        ) from None
