"""Search cleanup pipelines over labelled scans: ``ocrprep tune``.

A random search over a grid of stage settings (thresholds, openings, speck sizes) plus the named
pipelines. Files are split once, by a seeded shuffle, into a search part and a held-out part; the
best pipeline is chosen on the search part only and then scored on the held-out part against the
default pipeline and against no cleanup, so the figures say whether the gain carries over.
Without ground truth the search maximises Tesseract's mean confidence instead of minimising CER.
Each file is one batch task (every candidate on each of its pages), run by the same ``Executor`` and
scored by the same per-page step as ``compare``.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .batch import Executor, Failure, Settings, run_batch
from .comparison import Reading, read_and_score, read_truth
from .errors import InputError, UsageError
from .images import Page
from .metrics import TextOptions, pooled
from .pipeline import DEFAULT_PIPELINE, NAMED_PIPELINES, Pipeline
from .plugins import Host

SEARCH_SPACE: dict[str, tuple[str, ...]] = {
    "threshold": (
        *(f"threshold({value})" for value in (110, 130, 150, 170, 190, 210)),
        "threshold(method=otsu)",
        *(
            f"threshold(method=sauvola, window={window}, k={k})"
            for window, k in itertools.product((15, 31, 51, 81), (0.05, 0.15, 0.3))
        ),
    ),
    "opening": ("", "opening(radius=1)", "opening(radius=2)"),
    "remove-specks": ("", *(f"remove-specks(min_size={size})" for size in (3, 8, 20, 50, 120))),
}
"""Each step's candidates; an empty string leaves the step out."""

BASELINES = ("none", DEFAULT_PIPELINE, "classic", "auto")
"""Named pipelines always tried besides the random candidates (those that exist)."""


@dataclass(frozen=True)
class Score:
    """How a pipeline did on a set of files: pooled CER (None without truth) and mean confidence."""

    cer: float | None
    confidence: float
    pages: int
    """How many pages it was scored on."""

    def rank(self) -> tuple[float, float]:
        """Sort key, best first: lower CER, then higher confidence (CER unknown sorts by confidence)."""
        return (0.0 if self.cer is None else self.cer, -self.confidence)


@dataclass(frozen=True)
class TuneResult:
    """The best pipeline and the scores that justify it."""

    best: str
    search: dict[str, Score]
    """Every candidate's score on the search files."""
    held_out: dict[str, Score]
    """The best, the default and no cleanup, on the held-out files."""
    search_files: int
    held_out_files: int


def candidates(budget: int, seed: int, known: Iterable[str]) -> list[str]:
    """The named baselines that exist plus ``budget`` distinct random pipelines from SEARCH_SPACE."""
    grid = [
        " | ".join(["grayscale", *filter(None, parts)]) for parts in itertools.product(*SEARCH_SPACE.values())
    ]
    picked = random.Random(seed).sample(grid, min(budget, len(grid)))
    return [*dict.fromkeys(name for name in BASELINES if name in known), *picked]


def split(paths: Sequence[Path], held_out: float, seed: int) -> tuple[list[Path], list[Path]]:
    """A seeded shuffle cut into search and held-out files; at least one of each when possible."""
    shuffled = sorted(paths)
    random.Random(seed).shuffle(shuffled)
    count = min(max(1, round(len(shuffled) * held_out)), len(shuffled) - 1) if len(shuffled) > 1 else 0
    return shuffled[count:], shuffled[:count]


@dataclass(frozen=True)
class TuneWork:
    """Clean one page with every candidate pipeline and OCR and score each result, as ``compare`` does."""

    settings: Settings
    specs: tuple[str, ...]
    text_options: TextOptions = field(default_factory=TextOptions)

    def __call__(self, page: Page) -> list[Reading]:
        """One reading per spec, in the order of ``specs``."""
        truth = read_truth(page)
        return [
            read_and_score(
                self.settings,
                self._chain(spec).process(page.image, page.dpi),
                truth,
                self.text_options,
                cleaned=spec != "none",  # the page as it is, read once
            )[0]
            for spec in self.specs
        ]

    def _chain(self, spec: str) -> Pipeline:
        return replace(self.settings, pipeline=spec, pipeline_file=None).chain()


def evaluate(
    specs: Sequence[str],
    paths: Sequence[Path],
    settings: Settings,
    text_options: TextOptions,
    executor: Executor | None = None,
    on_failure: Callable[[Failure], None] = lambda _: None,
    on_file: Callable[[], None] = lambda: None,
) -> dict[str, Score]:
    """Score every pipeline on every page of ``paths``, one batch task per file.

    CER is pooled over the pages with ground truth; confidence is the mean over pages.
    """
    work = TuneWork(settings, tuple(specs), text_options)
    pages = list(run_batch(paths, work, executor, on_failure, on_file))
    return {spec: _score([readings[i] for readings in pages]) for i, spec in enumerate(specs)}


def _score(readings: Sequence[Reading]) -> Score:
    cer = pooled([r.score for r in readings if r.score is not None], "char_errors", "chars")
    confidences = [-1.0 if r.confidence is None else r.confidence for r in readings]
    return Score(cer, sum(confidences) / max(1, len(confidences)), len(readings))


def tune(
    paths: Sequence[Path],
    settings: Settings,
    text_options: TextOptions,
    *,
    budget: int = 24,
    held_out: float = 0.3,
    seed: int = 0,
    executor: Executor | None = None,
    on_failure: Callable[[Failure], None] = lambda _: None,
    on_file: Callable[[], None] = lambda: None,
) -> TuneResult:
    """Find the pipeline with the lowest CER (or highest confidence) on the search files.

    Every file is read once, in the search or the held-out batch, so ``on_file`` is called
    ``len(paths)`` times in all. A file or page that cannot be read goes to ``on_failure``.
    """
    if not paths:
        raise UsageError("tune needs image files (with <stem>.gt.txt ground truth for CER)")
    specs = candidates(budget, seed, _named(settings.host()))
    search, held = split(paths, held_out, seed)
    scores = evaluate(specs, search, settings, text_options, executor, on_failure, on_file)
    if not scores[specs[0]].pages:
        raise InputError("tune read no page of its search files; see the errors above")
    best = min(specs, key=lambda spec: scores[spec].rank())
    finalists = list(dict.fromkeys([best, DEFAULT_PIPELINE, "none"]))
    held_scores = (
        evaluate(finalists, held, settings, text_options, executor, on_failure, on_file) if held else {}
    )
    return TuneResult(best, scores, held_scores, len(search), len(held))


def _named(host: Host) -> set[str]:
    """Named pipelines whose stages all exist in this host."""
    usable = set()
    for name in NAMED_PIPELINES:
        try:
            host.pipeline(name)
        except UsageError:
            continue
        usable.add(name)
    return usable
