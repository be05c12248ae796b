"""OCR every page before and after cleanup and measure the change, against ground truth when known."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from statistics import fmean
from typing import Any

from .batch import Failure, run_batch
from .errors import InputError, UsageError
from .hookspecs import RecognizeOptions
from .images import Page, to_gray
from .metrics import cer, pooled_cer
from .pipeline import Pipeline
from .plugins import Host

TRUTH_SUFFIX = ".gt.txt"
MAX_TRUTH_BYTES = 10 << 20
SAMPLE_SCANS = Path("sample_scans")


@dataclass(frozen=True)
class Reading:
    """The OCR of one version of a page: its text, CER (None without ground truth), confidence."""

    text: str
    cer: float | None
    confidence: float | None


@dataclass(frozen=True)
class PageComparison:
    """One page read before and after cleanup."""

    path: str
    truth: str | None
    before: Reading
    after: Reading


@dataclass
class Report:
    """A before/after comparison over a batch; ``as_dict()`` is what ``--json`` writes."""

    pipeline: str
    engine: str
    ignore_case: bool = False
    files: list[PageComparison] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Totals: CER character-weighted over the pages with ground truth, mean confidences."""
        judged = [f for f in self.files if f.truth is not None]

        def pooled(side: Callable[[PageComparison], Reading]) -> float | None:
            pairs = ((f.truth or "", side(f).text) for f in judged)
            return pooled_cer(pairs, ignore_case=self.ignore_case)

        def confidence(side: Callable[[PageComparison], Reading]) -> float | None:
            values = [c for f in self.files if (c := side(f).confidence) is not None]
            return fmean(values) if values else None

        return {
            "files": len(self.files),
            "files_with_truth": len(judged),
            "failed": len(self.failures),
            "cer_before": pooled(lambda f: f.before),
            "cer_after": pooled(lambda f: f.after),
            "confidence_before": confidence(lambda f: f.before),
            "confidence_after": confidence(lambda f: f.after),
        }

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return {
            "pipeline": self.pipeline,
            "engine": self.engine,
            "ignore_case": self.ignore_case,
            "files": [asdict(f) for f in self.files],
            "errors": [asdict(f) for f in self.failures],
            "summary": self.summary(),
        }


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


def compare_page(
    page: Page, host: Host, pipeline: Pipeline, options: RecognizeOptions, ignore_case: bool = False
) -> PageComparison:
    """OCR one page as it is and after ``pipeline``; score both when it has ground truth."""
    truth = read_truth(page)
    readings = []
    for image in (to_gray(page.image), pipeline.run(page.image, page.dpi)):
        result = host.recognize(image, page.dpi, options)
        score = None if truth is None else cer(truth, result.text, ignore_case=ignore_case)
        readings.append(Reading(result.text, score, result.confidence))
    return PageComparison(page.label, truth, *readings)


def run_compare(
    inputs: Iterable[Path],
    host: Host,
    pipeline: Pipeline,
    options: RecognizeOptions,
    *,
    ignore_case: bool = False,
    on_page: Callable[[PageComparison], None] = lambda _: None,
    on_failure: Callable[[Failure], None] = lambda _: None,
) -> Report:
    """Compare every page of ``inputs`` (``sample_scans/`` when empty) and collect the report."""
    inputs = list(inputs)
    if not inputs:
        if not SAMPLE_SCANS.is_dir():
            raise UsageError("no INPUT given and no sample_scans/ folder here; name files or folders")
        inputs = [SAMPLE_SCANS]
    report = Report(str(pipeline), options.engine, ignore_case)

    def failed(failure: Failure) -> None:
        report.failures.append(failure)
        on_failure(failure)

    work = partial(compare_page, host=host, pipeline=pipeline, options=options, ignore_case=ignore_case)
    for comparison in run_batch(inputs, work, failed):
        report.files.append(comparison)
        on_page(comparison)
    return report
