"""OCR every page before and after cleanup and measure the change, against ground truth when known."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean
from typing import Any, TypeAlias, TypedDict

from .batch import Executor, Failure, Settings, keep_read, run_batch
from .errors import InputError, UsageError
from .images import Page, to_gray
from .libs import np, rapidfuzz
from .metrics import Confusion, TextOptions, TextScore, bootstrap_cer_change, normalize, pooled, score
from .metrics import show_confusion as show
from .types import Scan

TRUTH_SUFFIX = ".gt.txt"
MAX_TRUTH_BYTES = 10 << 20
SAMPLE_SCANS = Path("sample_scans")
TOP_CONFUSIONS = 10


# --- the report's data: exactly what ``--json`` writes, typed for the renderers


class ReadingData(TypedDict):
    """One version of a page read: its text and confidence; the scores are None without ground truth."""

    text: str
    confidence: float | None
    cer: float | None
    wer: float | None
    cer_digits: float | None
    exact: bool | None
    insertions: int | None
    deletions: int | None
    substitutions: int | None


class ConfusionData(TypedDict):
    """A character confusion: ``truth`` read as ``ocr``, ``count`` times; ``shown`` in words."""

    truth: str
    ocr: str
    count: int
    shown: str


class ConfusionsData(TypedDict):
    """The most frequent confusions before and after, and those the cleanup fixed or introduced."""

    before: list[ConfusionData]
    after: list[ConfusionData]
    fixed: list[ConfusionData]
    introduced: list[ConfusionData]


class PageData(TypedDict):
    """One page read before and after cleanup (``PageComparison.as_dict()``)."""

    path: str
    truth: str | None
    status: str
    kept: str
    scan: dict[str, Any] | None
    cer_change: float | None
    text_change: float
    before: ReadingData
    after: ReadingData
    confusions: ConfusionsData


class ErrorData(TypedDict):
    """A page that failed, and why."""

    path: str
    error: str


class ErrorKinds(TypedDict):
    """Edit operations summed over the pages with ground truth."""

    insertions: int
    deletions: int
    substitutions: int


class SummaryData(TypedDict):
    """Totals over the batch (``Report.summary()``)."""

    files: int
    files_with_truth: int
    no_truth: list[str]
    failed: int
    interrupted: bool
    cer_before: float | None
    cer_after: float | None
    cer_change: float | None
    cer_change_ci95: list[float] | None
    verdict: str
    cer_mean_before: float | None
    cer_mean_after: float | None
    wer_before: float | None
    wer_after: float | None
    wer_mean_before: float | None
    wer_mean_after: float | None
    cer_digits_before: float | None
    cer_digits_after: float | None
    exact_before: float | None
    exact_after: float | None
    single_line_files: int
    confidence_before: float | None
    confidence_after: float | None
    kept_original: int
    improved: int
    worse: int
    same: int
    errors_before: ErrorKinds
    errors_after: ErrorKinds
    confusions: ConfusionsData


class ReportData(TypedDict):
    """A whole comparison (``Report.as_dict()``): what ``--json`` writes and every renderer reads."""

    pipeline: str
    engine: str
    ignore_case: bool
    normalize_punctuation: bool
    files: list[PageData]
    errors: list[ErrorData]
    summary: SummaryData


@dataclass(frozen=True)
class Reading:
    """The OCR of one version of a page: its text, confidence, and score when there is ground truth."""

    text: str
    confidence: float | None
    score: TextScore | None = None

    def as_dict(self) -> ReadingData:
        s = self.score
        return {
            "text": self.text,
            "confidence": self.confidence,
            "cer": None if s is None else s.cer,
            "wer": None if s is None else s.wer,
            "cer_digits": None if s is None else s.cer_digits,
            "exact": None if s is None else s.exact,
            "insertions": None if s is None else s.insertions,
            "deletions": None if s is None else s.deletions,
            "substitutions": None if s is None else s.substitutions,
        }


@dataclass(frozen=True)
class PageComparison:
    """One page read before and after cleanup."""

    path: str
    truth: str | None
    before: Reading
    after: Reading
    kept: str = "cleaned"
    """With keep-better: ``original`` when the uncleaned page read with higher confidence."""
    scan: dict[str, Any] | None = None
    """What ``measure_scan`` found on the original page: stroke width, character height, DPI..."""

    @property
    def cer_change(self) -> float | None:
        """CER after minus CER before: negative when the cleanup helped."""
        if self.before.score is None or self.after.score is None:
            return None
        return self.after.score.cer - self.before.score.cer

    @property
    def status(self) -> str:
        """``improved``, ``worse`` or ``same`` by CER; ``no truth`` without ground truth."""
        change = self.cer_change
        if change is None:
            return "no truth"
        return "improved" if change < 0 else "worse" if change > 0 else "same"

    @property
    def text_change(self) -> float:
        """How much the OCR text changed with cleanup: edit distance over the longer text, 0 to 1."""
        return float(
            rapidfuzz.distance.Levenshtein.normalized_distance(
                normalize(self.before.text), normalize(self.after.text)
            )
        )

    def as_dict(self) -> PageData:
        return {
            "path": self.path,
            "truth": self.truth,
            "status": self.status,
            "kept": self.kept,
            "scan": self.scan,
            "cer_change": self.cer_change,
            "text_change": self.text_change,
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "confusions": _confusions_dict(_confusions(self.before), _confusions(self.after)),
        }


@dataclass
class Report:
    """A before/after comparison over a batch; ``as_dict()`` is what ``--json`` writes."""

    pipeline: str
    engine: str
    text_options: TextOptions = field(default_factory=TextOptions)
    files: list[PageComparison] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    images: dict[str, Any] = field(default_factory=dict)
    """Rendered images per page path, when the work had a renderer (for the HTML report)."""

    def summary(self) -> SummaryData:
        """Totals over the batch; rates are character- (or word-, digit-) weighted unless ``_mean``."""
        judged = [f for f in self.files if f.before.score is not None and f.after.score is not None]
        before = [f.before.score for f in judged if f.before.score is not None]
        after = [f.after.score for f in judged if f.after.score is not None]
        single_line = [f for f in judged if f.truth is not None and "\n" not in f.truth.strip()]
        cer_before, cer_after = pooled(before, "char_errors", "chars"), pooled(after, "char_errors", "chars")
        interval = bootstrap_cer_change(before, after)
        statuses = Counter(f.status for f in self.files)
        confusions_before = sum((_confusions(f.before) for f in judged), Counter())
        confusions_after = sum((_confusions(f.after) for f in judged), Counter())
        return {
            "files": len(self.files),
            "files_with_truth": len(judged),
            "no_truth": [f.path for f in self.files if f.truth is None],
            "failed": len(self.failures),
            "interrupted": self.interrupted,
            "cer_before": cer_before,
            "cer_after": cer_after,
            "cer_change": None if cer_before is None or cer_after is None else cer_after - cer_before,
            "cer_change_ci95": None if interval is None else list(interval),
            "verdict": verdict(interval),
            "cer_mean_before": _mean(s.cer for s in before),
            "cer_mean_after": _mean(s.cer for s in after),
            "wer_before": pooled(before, "word_errors", "words"),
            "wer_after": pooled(after, "word_errors", "words"),
            "wer_mean_before": _mean(s.wer for s in before),
            "wer_mean_after": _mean(s.wer for s in after),
            "cer_digits_before": pooled([s for s in before if s.digits], "digit_errors", "digits"),
            "cer_digits_after": pooled([s for s in after if s.digits], "digit_errors", "digits"),
            "exact_before": _mean(float(f.before.score.exact) for f in single_line if f.before.score),
            "exact_after": _mean(float(f.after.score.exact) for f in single_line if f.after.score),
            "single_line_files": len(single_line),
            "confidence_before": _mean(f.before.confidence for f in self.files),
            "confidence_after": _mean(f.after.confidence for f in self.files),
            "kept_original": sum(f.kept == "original" for f in self.files),
            "improved": statuses["improved"],
            "worse": statuses["worse"],
            "same": statuses["same"],
            "errors_before": _error_kinds(before),
            "errors_after": _error_kinds(after),
            "confusions": _confusions_dict(confusions_before, confusions_after),
        }

    def as_dict(self) -> ReportData:
        """The report as plain JSON-ready data."""
        return {
            "pipeline": self.pipeline,
            "engine": self.engine,
            "ignore_case": self.text_options.ignore_case,
            "normalize_punctuation": self.text_options.normalize_punctuation,
            "files": [f.as_dict() for f in self.files],
            "errors": [{"path": f.path, "error": f.error} for f in self.failures],
            "summary": self.summary(),
        }


def verdict(interval: tuple[float, float] | None) -> str:
    """``helped`` when the whole 95% interval of the CER change is below 0, ``hurt`` when above."""
    if interval is None:
        return "no ground truth"
    low, high = interval
    return "helped" if high < 0 else "hurt" if low > 0 else "no clear change"


def read_truth(page: Page, truth_dir: Path | None = None) -> str | None:
    """The page's ground truth from ``<stem>.gt.txt`` (beside the image, or in ``truth_dir``)."""
    path = (truth_dir or page.path.parent) / f"{page.stem}{TRUTH_SUFFIX}"
    try:
        if path.stat().st_size > MAX_TRUTH_BYTES:
            raise InputError(f"ground truth {path} is larger than 10 MiB")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise InputError(f"ground truth {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"cannot read ground truth {path}: {exc.strerror}") from None


def read_and_score(
    settings: Settings, scan: Scan, truth: str | None, text_options: TextOptions, cleaned: bool = True
) -> tuple[Reading, Scan]:
    """OCR one version of a page and score it when the page has ground truth: compare's and tune's
    step. A ``cleaned`` page is read as :meth:`~ocrprep.plugins.Host.read_cleaned` reads it; returns
    the reading and the page it read."""
    host = settings.host()
    result, scan = (
        host.read_cleaned(scan, settings.options) if cleaned else (host.read(scan, settings.options), scan)
    )
    scored = None if truth is None else score(truth, result.text, text_options)
    return Reading(result.text, result.confidence, scored), scan


ImageRenderer: TypeAlias = "Callable[[np.ndarray, np.ndarray], Any]"
"""Turns a page's original and cleaned images into what a report embeds (e.g. ``report.page_images``)."""


@dataclass(frozen=True)
class CompareWork:
    """OCR one page as it is and after the pipeline; score both when it has ground truth.

    With ``keep_better`` the "after" side is the original page when it read with higher confidence,
    and so it is without when the cleaned page read no word (:func:`~ocrprep.batch.keep_read`).
    With ``render`` the page's images are rendered (in the worker) for the HTML report.
    """

    settings: Settings
    text_options: TextOptions = field(default_factory=TextOptions)
    truth_dir: Path | None = None
    keep_better: bool = False
    render: ImageRenderer | None = None

    def __call__(self, page: Page) -> tuple[PageComparison, Any]:
        truth = read_truth(page, self.truth_dir)
        original = Scan(to_gray(page.image), page.dpi)
        cleaned = self.settings.chain().process(page.image, page.dpi)
        before = read_and_score(self.settings, original, truth, self.text_options, cleaned=False)[0]
        after, cleaned = read_and_score(self.settings, cleaned, truth, self.text_options)
        after, kept = keep_read(after, lambda: before, self.keep_better)
        if kept == "original":
            cleaned = original
        comparison = PageComparison(page.label, truth, before, after, kept, original.measure.as_dict())
        if self.render is None:
            return comparison, None
        return comparison, self.render(original.pixels, cleaned.input_pixels())


def default_inputs(inputs: Iterable[Path]) -> list[Path]:
    """The inputs as given, or ``sample_scans/`` in the current folder when there are none."""
    given = list(inputs)
    if given:
        return given
    if not SAMPLE_SCANS.is_dir():
        raise UsageError("no INPUT given and no sample_scans/ folder here; name files or folders")
    return [SAMPLE_SCANS]


def run_compare(
    files: Iterable[Path],
    work: CompareWork,
    *,
    executor: Executor | None = None,
    on_failure: Callable[[Failure], None] = lambda _: None,
    on_file: Callable[[], None] = lambda: None,
) -> Report:
    """Compare every page of image ``files`` (folders already expanded) and collect the report.

    Ctrl-C stops the batch and returns what was done so far, marked ``interrupted``.
    """
    report = Report(str(work.settings.chain()), work.settings.options.engine, work.text_options)

    def failed(failure: Failure) -> None:
        report.failures.append(failure)
        on_failure(failure)

    try:
        for comparison, images in run_batch(files, work, executor, failed, on_file):
            report.files.append(comparison)
            if images is not None:
                report.images[comparison.path] = images
    except KeyboardInterrupt:
        report.interrupted = True
    return report


def _confusions(reading: Reading) -> Counter[Confusion]:
    return Counter(dict(reading.score.confusions)) if reading.score else Counter()


def _confusions_dict(before: Counter[Confusion], after: Counter[Confusion]) -> ConfusionsData:
    """Most frequent confusions before and after, and those the cleanup fixed or introduced."""

    def top(counts: Counter[Confusion]) -> list[ConfusionData]:
        return [
            {"truth": a, "ocr": b, "count": n, "shown": f"{show((a, b))} \u00d7{n}"}
            for (a, b), n in counts.most_common(TOP_CONFUSIONS)
        ]

    return {
        "before": top(before),
        "after": top(after),
        "fixed": top(before - after),
        "introduced": top(after - before),
    }


def _error_kinds(scores: list[TextScore]) -> ErrorKinds:
    return {
        "insertions": sum(s.insertions for s in scores),
        "deletions": sum(s.deletions for s in scores),
        "substitutions": sum(s.substitutions for s in scores),
    }


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return fmean(present) if present else None
