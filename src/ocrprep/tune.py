"""Search cleanup pipelines over labelled scans: ``ocrprep tune``.

A random search over a grid of stage settings (thresholds, openings, speck sizes) plus the named
pipelines. Files are split once, by a seeded shuffle, into a search part and a held-out part; the
best pipeline is chosen on the search part only and then scored on the held-out part against the
default pipeline and against no cleanup, so the figures say whether the gain carries over.
Without ground truth the search maximises Tesseract's mean confidence instead of minimising CER.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .compare import read_truth
from .errors import UsageError
from .images import PageError, read_pages
from .metrics import TextOptions, error_rate, score
from .pipeline import DEFAULT_PIPELINE, NAMED_PIPELINES
from .plugins import Host
from .types import RecognizeOptions

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


_WORKER: dict[str, object] = {}


def _init_worker(plugins: tuple[str, ...], disabled: tuple[str, ...]) -> None:
    _WORKER["host"] = Host(plugins, disabled)


def _evaluate(
    job: tuple[str, Path, RecognizeOptions, TextOptions],
) -> tuple[int, int, float, bool]:
    """Char errors, truth chars, mean confidence and whether truth exists, for one file."""
    spec, path, options, text_options = job
    host = _WORKER["host"]
    assert isinstance(host, Host)
    pipeline = host.pipeline(spec)
    errors = chars = 0
    confidences = []
    has_truth = True
    for page in read_pages(path):
        if isinstance(page, PageError):  # files were checked before the search; a page gone bad
            continue
        result = host.recognize(pipeline.run(page.image, page.dpi), page.dpi, options)
        confidences.append(-1.0 if result.confidence is None else result.confidence)
        truth = read_truth(page)
        if truth is None:
            has_truth = False
            continue
        scored = score(truth, result.text, text_options)
        errors, chars = errors + scored.char_errors, chars + scored.chars
    return errors, chars, sum(confidences) / max(1, len(confidences)), has_truth


def evaluate(
    specs: Sequence[str],
    paths: Sequence[Path],
    options: RecognizeOptions,
    text_options: TextOptions,
    pool: ProcessPoolExecutor,
    on_done: Callable[[], None],
) -> dict[str, Score]:
    """Score every pipeline on every file, in parallel; CER pooled over files with ground truth."""
    jobs = [(spec, path, options, text_options) for spec in specs for path in paths]
    results = []
    for result in pool.map(_evaluate, jobs, chunksize=4):
        results.append(result)
        on_done()
    scores = {}
    for i, spec in enumerate(specs):
        rows = results[i * len(paths) : (i + 1) * len(paths)]
        labelled = [r for r in rows if r[3]]
        cer = error_rate(sum(r[0] for r in labelled), sum(r[1] for r in labelled)) if labelled else None
        scores[spec] = Score(cer, sum(r[2] for r in rows) / max(1, len(rows)))
    return scores


def tune(
    paths: Sequence[Path],
    host: Host,
    options: RecognizeOptions,
    text_options: TextOptions,
    *,
    budget: int = 24,
    held_out: float = 0.3,
    seed: int = 0,
    jobs: int = 1,
    plugins: tuple[str, ...] = (),
    disabled: tuple[str, ...] = (),
    on_done: Callable[[], None] = lambda: None,
) -> TuneResult:
    """Find the pipeline with the lowest CER (or highest confidence) on the search files.

    ``on_done`` is called after every (pipeline, file) evaluation, for a progress bar.
    """
    if not paths:
        raise UsageError("tune needs image files (with <stem>.gt.txt ground truth for CER)")
    specs = candidates(budget, seed, _named(host))
    search, held = split(paths, held_out, seed)
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(plugins, disabled)) as pool:
        scores = evaluate(specs, search, options, text_options, pool, on_done)
        best = min(specs, key=lambda spec: scores[spec].rank())
        finalists = list(dict.fromkeys([best, DEFAULT_PIPELINE, "none"]))
        held_scores = evaluate(finalists, held, options, text_options, pool, on_done) if held else {}
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
