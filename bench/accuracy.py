"""Accuracy benchmark (issue 12): five ways to read the same images, one Tesseract for all.

Run with ``make bench-accuracy`` (or ``.venv/bin/python bench/accuracy.py --help``). Every image of
every family (``bench/families.py``: generated families with a dev and a test split, and real scans
from ``--data`` when that folder exists) is read by each method:

- ``tesseract``: Tesseract on the image as it is;
- ``tesseract-sauvola``: the same with Tesseract's own Sauvola binarisation (``-c thresholding_method=2``);
- ``unpaper``: Debian's ``unpaper`` with the options OCRmyPDF's ``--clean`` gives it, then Tesseract;
- ``classic``: ocrprep's ``classic`` pipeline (the snippet's recipe, its bugs fixed), then Tesseract;
- ``ocrprep``: ocrprep's default pipeline (``auto``), then Tesseract;
- ``keep-better`` (only when ``--methods`` names it): both of the last and of ``tesseract``,
  keeping per image the read Tesseract is more confident of (what ``--keep-better`` does); the
  report says how often that choice was the better one.

All read through the same ``tesseract`` program with one thread (``OMP_THREAD_LIMIT=1``), the family's
page segmentation mode (digit families: ocrprep's digit mode, single line with a whitelist) and the
image's DPI. Scores come from ``ocrprep.metrics``. Writes a Markdown report (``--out``, default
``bench/ACCURACY.md``) and a JSON file beside it with every per-image result.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from families import FAMILIES, Family, Sample, real_families  # bench/ is first on the script's path

import ocrprep
from ocrprep import RecognizeOptions, TextOptions
from ocrprep.batch import Executor, keep_read
from ocrprep.errors import InputError
from ocrprep.metrics import error_rate, score

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "bench" / "ACCURACY.md"
SPLITS = ("dev", "test")
REAL = "real"
"""The split of the real families' records: their folders have no dev/test split."""

UNPAPER_CLEAN_ARGS = (
    "--layout", "none",
    "--mask-scan-size", "100",  # don't blank out narrow columns
    "--no-border-align",
    "--no-mask-center",
    "--no-grayfilter",
    "--no-blackfilter",
    "--no-deskew",
)  # fmt: skip
"""What OCRmyPDF's ``--clean`` passes to unpaper (``src/ocrmypdf/_exec/unpaper.py``, ``clean()``),
after ``--dpi DPI`` and before the input and output files."""


@dataclass(frozen=True)
class Reading:
    """How one family is read and scored, as plain values that travel to the workers."""

    family: str
    psm: int | None
    digits: bool
    text: TextOptions
    real: bool
    pipeline: str
    """What the ``ocrprep`` method cleans with: ``auto`` unless ``--pipeline`` says otherwise."""

    @classmethod
    def of(cls, family: Family, pipeline: str = "auto") -> Reading:
        return cls(
            family.name,
            family.psm,
            family.digits,
            TextOptions(family.ignore_case, family.normalize_punctuation),
            family.real,
            pipeline,
        )

    def options(self, **variables: str) -> RecognizeOptions:
        """Tesseract's options for this family, with extra ``-c`` variables."""
        return RecognizeOptions(psm=self.psm, digits=self.digits, variables=variables)


Method = Callable[[np.ndarray, int, Reading], str]


def tesseract(image: np.ndarray, dpi: int, reading: Reading) -> str:
    """Tesseract alone, on the image as it is."""
    return ocrprep.recognize(image, reading.options(), dpi=dpi).text


def tesseract_sauvola(image: np.ndarray, dpi: int, reading: Reading) -> str:
    """Tesseract with its own Sauvola binarisation instead of Otsu."""
    return ocrprep.recognize(image, reading.options(thresholding_method="2"), dpi=dpi).text


def unpaper_clean(image: np.ndarray, dpi: int) -> np.ndarray:
    """The image cleaned by ``unpaper`` as OCRmyPDF's ``--clean`` runs it; InputError when it fails."""
    with tempfile.TemporaryDirectory(prefix="ocrprep-unpaper-") as folder:
        source, target = Path(folder) / "input.pgm", Path(folder) / "output.pgm"
        cv2.imwrite(str(source), image)
        args = ["unpaper", "--dpi", str(dpi), *UNPAPER_CLEAN_ARGS, str(source), str(target)]
        done = subprocess.run(args, cwd=folder, capture_output=True, text=True, check=False)
        cleaned = cv2.imread(str(target), cv2.IMREAD_GRAYSCALE) if done.returncode == 0 else None
        if cleaned is None:
            message = (done.stderr or done.stdout).strip().splitlines()
            raise InputError(f"unpaper failed (exit {done.returncode}): {message[-1] if message else ''}")
        return cleaned


def unpaper(image: np.ndarray, dpi: int, reading: Reading) -> str:
    """unpaper's cleanup, then Tesseract."""
    return tesseract(unpaper_clean(image, dpi), dpi, reading)


def classic(image: np.ndarray, dpi: int, reading: Reading) -> str:
    """ocrprep's ``classic`` pipeline, then Tesseract (on the cleaned image alone: the snippet's recipe
    has no second read when the first finds nothing)."""
    cleaned = ocrprep.clean(image, pipeline="classic")
    return ocrprep.recognize(cleaned, reading.options(), dpi=dpi).text


def ocrprep_default(image: np.ndarray, dpi: int, reading: Reading) -> str:
    """ocrprep's default pipeline (``auto``), then Tesseract."""
    return ocrprep.recognize(image, reading.options(), dpi=dpi, pipeline=reading.pipeline).text


def keep_better(image: np.ndarray, dpi: int, reading: Reading) -> str:
    """ocrprep's default and Tesseract alone, keeping the read with the higher mean confidence"""
    cleaned = ocrprep.recognize(image, reading.options(), dpi=dpi, pipeline=reading.pipeline)
    original = functools.partial(ocrprep.recognize, image, reading.options(), dpi=dpi)
    return keep_read(cleaned, original, keep_better=True)[0].text


METHODS: dict[str, Method] = {
    "tesseract": tesseract,
    "tesseract-sauvola": tesseract_sauvola,
    "unpaper": unpaper,
    "classic": classic,
    "ocrprep": ocrprep_default,
    "keep-better": keep_better,
}


OPT_IN = ("keep-better",)
"""Methods run only when ``--methods`` names them: ``keep-better`` reads every image twice."""


def available(method: str) -> bool:
    """Whether the method's programs are installed (unpaper is optional)."""
    return method != "unpaper" or shutil.which("unpaper") is not None


@dataclass(frozen=True)
class Task:
    """One sample of one family and split, to be read by every method."""

    split: str
    reading: Reading
    sample: Sample
    methods: tuple[str, ...]


@dataclass(frozen=True)
class Record:
    """One method's reading of one sample: what JSON keeps of it."""

    family: str
    sample: str
    split: str
    method: str
    cer: float
    exact: bool
    seconds: float
    text: str | None
    """What the method read; None for real scans, whose content stays out of the repository."""
    chars: int
    char_errors: int
    error: str | None
    """Why the method failed on this image (then scored as if it read nothing), else None."""


def run_task(task: Task) -> list[Record]:
    """Every method on the task's sample, timed here in the worker; no image goes back."""
    records = []
    for method in task.methods:
        error = None
        start = time.perf_counter()
        try:
            text = METHODS[method](task.sample.image, task.sample.dpi, task.reading)
        except InputError as exc:
            text, error = "", str(exc)
        records.append(record(task, method, text, time.perf_counter() - start, error))
    return records


def crashed(task: Task, why: str) -> list[Record]:
    """The task's records when its worker died: every method read nothing."""
    return [record(task, method, "", 0.0, why) for method in task.methods]


def record(task: Task, method: str, text: str, seconds: float, error: str | None) -> Record:
    """One method's read of the task's sample, scored."""
    sample, reading = task.sample, task.reading
    result = score(sample.truth, text, reading.text)
    return Record(
        reading.family, sample.name, task.split, method, result.cer, result.exact, seconds,
        None if reading.real else text, result.chars, result.char_errors, error,
    )  # fmt: skip


@dataclass(frozen=True)
class Cell:
    """One family and method over one split, pooled."""

    split: str
    family: str
    method: str
    images: int
    cer_mean: float
    """Mean of the per-image CERs: every image counts the same."""
    cer_weighted: float
    """All character errors over all truth characters: long texts count more."""
    exact: float
    seconds_mean: float
    errors: int


def summarize(records: Sequence[Record]) -> list[Cell]:
    """Pool the records per split, family and method, in the records' order."""
    groups: dict[tuple[str, str, str], list[Record]] = {}
    for record in records:
        groups.setdefault((record.split, record.family, record.method), []).append(record)
    return [
        Cell(
            split,
            family,
            method,
            len(group),
            statistics.fmean(r.cer for r in group),
            error_rate(sum(r.char_errors for r in group), sum(r.chars for r in group)),
            sum(r.exact for r in group) / len(group),
            statistics.fmean(r.seconds for r in group),
            sum(r.error is not None for r in group),
        )
        for (split, family, method), group in groups.items()
    ]


def first_line(args: Sequence[str]) -> str:
    """The first output line of a program (e.g. its version), or ``not found``."""
    try:
        done = subprocess.run(list(args), capture_output=True, text=True, check=False, cwd=ROOT)
    except OSError:
        return "not found"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if done.returncode == 0 and lines else "not found"


def machine() -> str:
    """CPU model and count, and the platform."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        model = names[0] if names else model
    return f"{model}, {os.cpu_count()} cores, {platform.platform()}"


def versions() -> dict[str, str]:
    """Python, Tesseract, unpaper and ocrprep (with the git commit) this run used."""
    return {
        "python": platform.python_version(),
        "tesseract": first_line([os.environ.get("TESSERACT_CMD", "tesseract"), "--version"]),
        "unpaper": first_line(["unpaper", "--version"]),
        "ocrprep": importlib.metadata.version("ocrprep"),
        "git": first_line(["git", "describe", "--always", "--dirty"]),
    }


SPLIT_TITLES = {
    "dev": ("## Generated families, dev split", "", "The split pipelines may be tuned on."),
    "test": ("## Generated families, test split", "", "Held out: reported only, never tuned on."),
    REAL: (
        "## Real scans (no dev/test split)",
        "",
        "The first `--count` images (by name) of each folder of `--data`; not tuned on.",
    ),
}


def cer_text(value: float) -> str:
    """A CER as the report shows it (three decimals; ties are judged on this)."""
    return f"{value:.3f}"


def render(
    meta: dict[str, Any],
    families: Sequence[Family],
    records: Sequence[Record],
    single_line: set[str],
) -> str:
    """The Markdown report: one table per split, then the legend."""
    methods: list[str] = meta["methods"]
    cells = summarize(records)
    by_key = {(c.split, c.family, c.method): c for c in cells}
    lines = [
        "# Accuracy benchmark",
        "",
        f"{meta['date']}; {meta['machine']}; {meta['jobs']} worker processes.",
        "",
        "Python {python}, {tesseract} (`tesseract --version`), unpaper {unpaper}, "
        "ocrprep {ocrprep} (git {git}).".format(**meta["versions"]),
        "",
        f"Command: `{meta['command']}`",
    ]
    for split in meta["splits"]:
        lines += ["", *SPLIT_TITLES[split], ""]
        lines += ["| family | images | " + " | ".join(methods) + " |", "|---|---:|" + "---:|" * len(methods)]
        for family in families:
            row = [by_key.get((split, family.name, m)) for m in methods]
            present = [c for c in row if c is not None]
            if not present:
                continue
            best = min(cer_text(c.cer_mean) for c in present)
            texts = []
            for cell in row:
                if cell is None:
                    texts.append("unavailable")
                    continue
                text = cer_text(cell.cer_mean)
                text = f"**{text}**" if text == best else text
                if family.digits or family.name in single_line:
                    text += f" ({cell.exact:.0%} exact)"
                texts.append(text)
            lines.append(f"| {family.name} | {present[0].images} | " + " | ".join(texts) + " |")
        seconds = []
        for method in methods:
            times = [c.seconds_mean * c.images for c in cells if c.split == split and c.method == method]
            images = sum(c.images for c in cells if c.split == split and c.method == method)
            seconds.append(f"{sum(times) / images:.2f}" if images else "unavailable")
        lines.append("| *time per image, s* | | " + " | ".join(seconds) + " |")
    lines += choice_lines(records)
    lines += [
        "",
        "## Legend",
        "",
        "- Cells are the **mean of the per-image CERs** (edit distance over the truth's length, on NFC text "
        "with whitespace runs made one space; case-folded and plain punctuation where the family says so). "
        "The character-weighted CER of each cell is in the JSON (`cer_weighted`). "
        "Bold: the lowest in the row.",
        "- *exact*: the share of images read exactly, for digit and single-line families.",
        "- *time per image*: seconds per image of the whole method (cleanup and one single-threaded "
        "Tesseract), measured in the workers, all running at once.",
        "- An image a method fails on counts as read as nothing (`error` in the JSON). The JSON keeps "
        "what each method read, except on real scans (their content must not enter the repository).",
        "- Methods: "
        + "; ".join(f"`{name}`: {(METHODS[name].__doc__ or '').rstrip('.')}" for name in methods).replace(
            "``", "`"
        )
        + "."
        + (f" Not installed here: {', '.join(meta['unavailable'])}." if meta["unavailable"] else ""),
        "- Families: " + "; ".join(f"`{f.name}`: {f.description}" for f in families) + ".",
        "",
    ]
    return "\n".join(lines)


def choice_lines(records: Sequence[Record]) -> list[str]:
    """How often ``keep-better`` kept the better of its two reads, where the two differ in CER."""
    cer = {(r.split, r.family, r.sample, r.method): r.cer for r in records}
    lines = []
    for split in (*SPLITS, REAL):
        pairs = [
            (cer[key], cer[(*key[:3], "tesseract")], cer[(*key[:3], "ocrprep")])
            for key in cer
            if key[0] == split
            and key[3] == "keep-better"
            and (*key[:3], "tesseract") in cer
            and (*key[:3], "ocrprep") in cer
        ]
        differ = [(kept, a, b) for kept, a, b in pairs if a != b]
        if differ:
            right = sum(kept == min(a, b) for kept, a, b in differ)
            lines.append(
                f"- {split}: the two reads differ in CER on {len(differ)} of {len(pairs)} images; "
                f"`keep-better` kept the better one on {right} ({right / len(differ):.0%})."
            )
    return ["", "## Per-page choice", "", *lines] if lines else []


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line, checked: unknown families or methods are a usage error (exit 2)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=(*SPLITS, "both"), default="test")
    parser.add_argument("--count", type=int, default=40, help="images per family and split (default 40)")
    parser.add_argument("--families", help="comma-separated family names (default: all)")
    parser.add_argument(
        "--methods", help=f"comma-separated, from {', '.join(METHODS)} (default: all but keep-better)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder of real scans (default ../shared/data from the repository)",
    )
    parser.add_argument(
        "--pipeline", default="auto", help="what the ocrprep method cleans with (default auto)"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown report; JSON beside it")
    args = parser.parse_args(argv)
    known = [f.name for f in FAMILIES]
    if args.data.is_dir():
        known += [f.name for f in real_families(args.data)]
    for option, names in (("--families", known), ("--methods", list(METHODS))):
        chosen = getattr(args, option[2:])
        unknown = sorted(set(chosen.split(",")) - set(names)) if chosen else []
        if unknown:
            parser.error(f"{option}: unknown {', '.join(unknown)}; choose from {', '.join(names)}")
    if args.count < 1 or args.jobs < 1:
        parser.error("--count and --jobs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and write the report; returns the exit code."""
    args = parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one Tesseract thread per worker, for every method
    date, found = datetime.datetime.now(datetime.UTC), versions()  # what the run starts from
    families = list(FAMILIES) + (list(real_families(args.data)) if args.data.is_dir() else [])
    if args.families:
        families = [f for f in families if f.name in args.families.split(",")]
    wanted = args.methods.split(",") if args.methods else [m for m in METHODS if m not in OPT_IN]
    methods = tuple(m for m in METHODS if m in wanted and available(m))
    unavailable = [m for m in METHODS if m in wanted and not available(m)]
    splits = SPLITS if args.split == "both" else (args.split,)

    tasks: list[Task] = []
    single_line: set[str] = set()
    for family in families:
        # A real folder is the same images whatever the split: read it once.
        samples = (
            {REAL: family.generate(SPLITS[-1], args.count)}
            if family.real
            else {split: family.generate(split, args.count) for split in splits}
        )
        if all("\n" not in s.truth.strip() for group in samples.values() for s in group):
            single_line.add(family.name)
        for split, group in samples.items():
            tasks += [Task(split, Reading.of(family, args.pipeline), s, methods) for s in group[: args.count]]
    order = (*SPLITS, REAL)
    tasks.sort(key=lambda t: order.index(t.split))  # stable: family order within a split

    records: list[Record] = []
    start = time.perf_counter()
    for done, outcome in enumerate(Executor(args.jobs).map(run_task, tasks, crashed), 1):
        records += outcome
        if done % max(1, len(tasks) // 10) == 0 or done == len(tasks):
            print(f"{done}/{len(tasks)} images, {time.perf_counter() - start:.0f} s", file=sys.stderr)

    meta = {
        "date": date.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": found,
        "command": "bench/accuracy.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "splits": [split for split in order if any(t.split == split for t in tasks)],
        "count": args.count,
        "jobs": args.jobs,
        "methods": [m for m in METHODS if m in wanted],
        "unavailable": unavailable,
        "seconds": round(time.perf_counter() - start, 1),
    }
    cells = summarize(records)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(meta, families, records, single_line), encoding="utf-8")
    report = {"meta": meta, "summary": [asdict(c) for c in cells], "results": [asdict(r) for r in records]}
    json_path = args.out.with_suffix(".json")
    json_path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} and {json_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
