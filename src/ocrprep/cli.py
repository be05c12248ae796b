"""The ``ocrprep`` command: a thin layer over the API. User errors print ``Error: ...``, no traceback."""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .documents import ENGINE_FORMATS, FORMATS, join
from .errors import ExitCode, OcrprepError, UsageError
from .images import IMAGE_SUFFIXES, PDF_DPI, atomic_file, expand_inputs
from .pipeline import DEFAULT_PIPELINE, NAMED_PIPELINES, spec_value

if TYPE_CHECKING:  # imported where used, so that --help and --version start fast
    from rich.console import Console
    from rich.progress import Progress

    from .batch import Executor, Failure, Settings
    from .tasks import Reading
    from .types import RecognizeOptions

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """Turns OcrprepError into one ``Error:`` line and its exit code; traceback only with --verbose."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OcrprepError as exc:
            if ctx.meta.get("verbose"):
                traceback.print_exc()
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            ctx.exit(ExitCode.INTERRUPTED)


def _remember_verbose(ctx: click.Context, _: click.Parameter, value: bool) -> bool:
    ctx.meta["verbose"] = value
    return value


def plugin_options(func: F) -> F:
    """--plugin, --disable-plugin and --verbose, shared by every command."""
    func = click.option(
        "--plugin",
        "plugins",
        multiple=True,
        metavar="MODULE_OR_PATH",
        help="Load a plugin module or .py file (runs its code with your rights). Repeatable.",
    )(func)
    func = click.option(
        "--disable-plugin",
        "disabled",
        multiple=True,
        metavar="NAME",
        help="Do not register the plugin NAME (also OCRPREP_DISABLE_PLUGINS=a,b). Repeatable.",
    )(func)
    return click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=True,
        callback=_remember_verbose,
        is_eager=True,
        help="Show more detail, and a traceback on errors.",
    )(func)


def pipeline_options(func: F) -> F:
    """--pipeline and --pipeline-file."""
    func = click.option(
        "--pipeline",
        "pipeline_spec",
        metavar="SPEC",
        help=f"Stages, e.g. 'threshold(160) | opening(radius=1)', or a name: {', '.join(NAMED_PIPELINES)}.",
    )(func)
    return click.option(
        "--pipeline-file",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE",
        help="A TOML file of [[stage]] tables.",
    )(func)


def engine_options(func: F) -> F:
    """The recognition settings, gathered into RecognizeOptions by ``_options``."""
    for decorator in reversed(
        [
            click.option("--engine", default="tesseract", show_default=True, help="Which recognizer to use."),
            click.option(
                "--lang",
                default="eng",
                show_default=True,
                help="Tesseract language(s), e.g. eng+deu.",
            ),
            click.option("--psm", type=click.IntRange(0, 13), help="Tesseract page segmentation mode."),
            click.option("--oem", type=click.IntRange(0, 3), help="Tesseract OCR engine mode."),
            click.option("--digits", is_flag=True, help="One line of digits and .,-/: only."),
            click.option(
                "-c",
                "variables",
                multiple=True,
                metavar="NAME=VALUE",
                help="Engine variable. Repeatable.",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(min=0),
                default=0,
                help="Seconds per image; 0: none.",
            ),
        ]
    ):
        func = decorator(func)
    return func


jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="cores",
    help="Worker processes; each runs one single-threaded Tesseract.",
)


SIZE_UNITS = {"": 1, "k": 1000, "m": 1000**2, "g": 1000**3, "t": 1000**4,
              "ki": 1024, "mi": 1024**2, "gi": 1024**3, "ti": 1024**4}  # fmt: skip


class ByteSize(click.ParamType):  # type: ignore[type-arg]  # generic only in click 8.3+
    """A size in bytes: ``3GiB``, ``500MB``, ``2G`` or a plain number."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?\s*", str(value), re.IGNORECASE)
        if not match:
            self.fail(f"{value!r} is not a size; write e.g. 3GiB, 500MB or 2G", param, ctx)
        return int(float(match[1]) * SIZE_UNITS[(match[2] or "").lower()])


def batch_options(func: F) -> F:
    """--jobs, --scheduler and --pdf-dpi: where and how the batch runs; --follow-symlinks: what it reads."""
    func = jobs_option(func)
    func = click.option(
        "--pdf-dpi",
        type=click.IntRange(36, 1200),
        default=PDF_DPI,
        show_default=True,
        help="Resolution to render PDF pages at.",
    )(func)
    func = click.option(
        "--max-memory",
        type=ByteSize(),
        default=None,
        metavar="SIZE",
        help="Memory each worker may use for a page, e.g. 3GiB (default: 3/4 of the machine's, "
        "shared by the jobs); larger pages are read at a lower resolution.",
    )(func)
    func = click.option(
        "--pdf-password",
        metavar="PASSWORD",
        default=None,
        help="The password of encrypted PDF inputs.",
    )(func)
    func = click.option(
        "--page-timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        metavar="SECONDS",
        help="Fail a page that takes longer than this, alone; the batch goes on.",
    )(func)
    func = click.option(
        "--follow-symlinks",
        is_flag=True,
        help="Also read links in input folders that point outside them.",
    )(func)
    return click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run the batch on this Dask scheduler (e.g. tcp://host:8786); needs ocrprep[dask].",
    )(func)


def text_options(func: F) -> F:
    """How texts are normalised before scoring."""
    func = click.option("--ignore-case", is_flag=True, help="Compare texts case-insensitively.")(func)
    return click.option(
        "--normalize-punctuation", is_flag=True, help="Treat curly quotes and dashes as plain ones."
    )(func)


keep_better_option = click.option(
    "--keep-better",
    is_flag=True,
    help="OCR the original too and keep, per image, whichever reads with higher confidence.",
)


@dataclasses.dataclass(frozen=True)
class Run:
    """What the shared options ask for, gathered once: the host and pipeline settings, the executor."""

    settings: Settings
    executor: Executor
    follow_symlinks: bool = False
    verbose: bool = False

    def files(self, inputs: Iterable[Path]) -> list[Path]:
        """The inputs with folders expanded to the image files in them."""
        return expand_inputs(inputs, self.follow_symlinks)


def shared_options(
    *, pipeline: bool = False, engine: bool = False, batch: bool = False
) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Add the options every command shares and hand them to it as one ``run: Run``, not one each.

    The plugin options always; the pipeline, engine and batch options when asked for.
    """
    groups = [plugin_options, *([batch_options] * batch), *([engine_options] * engine)]
    groups += [pipeline_options] * pipeline

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        @functools.wraps(command)
        def gathered(**kwargs: Any) -> int:
            return command(run=_run(kwargs), **kwargs)

        for group in groups:
            gathered = group(gathered)
        return gathered

    return decorate


def _run(kwargs: dict[str, Any]) -> Run:
    """Take the shared options out of a command's ``kwargs`` and build the Run they describe."""
    from .batch import Executor, Settings
    from .types import RecognizeOptions

    options = _options(kwargs) if "engine" in kwargs else RecognizeOptions()
    settings = Settings(
        kwargs.pop("plugins"), kwargs.pop("disabled"), kwargs.pop("pipeline_spec", None),
        kwargs.pop("pipeline_file", None), options,
    )  # fmt: skip
    executor = Executor(
        kwargs.pop("jobs", 1), kwargs.pop("scheduler", None), kwargs.pop("pdf_dpi", PDF_DPI),
        kwargs.pop("max_memory", None), kwargs.pop("page_timeout", None), kwargs.pop("pdf_password", None),
    )  # fmt: skip
    return Run(settings, executor, kwargs.pop("follow_symlinks", False), kwargs.pop("verbose"))


def _options(kwargs: dict[str, Any]) -> RecognizeOptions:
    """Take the engine options out of ``kwargs`` as RecognizeOptions; ``-c`` must be NAME=VALUE."""
    from .types import RecognizeOptions

    pairs = {}
    for item in kwargs.pop("variables"):
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"-c expects NAME=VALUE, got {item!r}")
        pairs[name] = value
    return RecognizeOptions(
        kwargs.pop("engine"), kwargs.pop("lang"), kwargs.pop("psm"), kwargs.pop("oem"), kwargs.pop("digits"),
        pairs, kwargs.pop("timeout"),
    )  # fmt: skip


def _report_failure(failure: Failure) -> None:
    click.echo(f"Error: {failure}", err=True)


def _failure_log(failures: list[Failure]) -> Callable[[Failure], None]:
    """Report each failure at once and keep it for the exit code."""

    def record(failure: Failure) -> None:
        failures.append(failure)
        _report_failure(failure)

    return record


def _exit_code(failures: int) -> int:
    return ExitCode.INPUT_FAILED if failures else ExitCode.OK


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, package_name="ocrprep")
def cli() -> None:
    """Clean scanned images before OCR, and measure how much the cleaning helps."""
    logging.basicConfig(format="Warning: %(message)s", level=logging.WARNING)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Output folder; or an output .png/.tif file when there is one input file.",
)
@click.option(
    "--save-stages",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write every stage's output here as <stem>.<n>-<stage>.png.",
)
@click.option("--skip-existing", is_flag=True, help="Leave pages whose output exists (resume a batch).")
@shared_options(pipeline=True, batch=True)
def clean(
    inputs: tuple[Path, ...], output: Path, save_stages: Path | None, skip_existing: bool, run: Run
) -> int:
    """Clean INPUT images (files or folders) and write lossless PNG (or TIFF) to OUTPUT."""
    from .batch import run_batch
    from .tasks import CleanWork, shared_stems

    settings = run.settings
    pipeline = settings.chain()
    files = run.files(inputs)
    single = len(inputs) == 1 and inputs[0].is_file() and output.suffix.lower() in IMAGE_SUFFIXES
    if single and output.suffix.lower() not in (".png", ".tif", ".tiff"):
        raise UsageError(f"{output}: cleaned images are written losslessly; use a .png or .tif name")
    work = CleanWork(settings, output, single, save_stages, skip_existing, shared_stems(files))
    failures: list[Failure] = []
    report = _failure_log(failures)
    files = _free_outputs(files, work.file_target, report)
    written = skipped = 0
    with _progress() as progress:
        task = progress.add_task("cleaning", total=len(files))
        for label, target in run_batch(files, work, run.executor, report, lambda: progress.advance(task)):
            written, skipped = written + (target is not None), skipped + (target is None)
            if run.verbose:
                click.echo(f"{label} -> {target or 'skipped, output exists'}", err=True)
    click.echo(
        f"cleaned {written} page(s), skipped {skipped}, failed {len(failures)}; pipeline: {pipeline}",
        err=True,
    )
    return _exit_code(len(failures))


def _free_outputs(
    files: list[Path], target_of: Callable[[Path], Path], report: Callable[[Failure], None]
) -> list[Path]:
    """The inputs whose output overwrites neither an input nor an earlier input's output; the
    others are reported."""
    from .batch import Failure

    inputs = {p.resolve() for p in files}
    first: dict[Path, Path] = {}
    free = []
    for path in files:
        target = target_of(path)
        if target.resolve() in inputs:
            report(Failure(str(path), f"the output {target} would overwrite an input; choose another -o"))
        elif target in first:
            report(
                Failure(
                    str(path), f"has the same name as {first[target]}, whose output is {target}; rename one"
                )
            )
        else:
            first[target] = path
            free.append(path)
    return free


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--clean", "do_clean", is_flag=True, help="Clean each image with the pipeline first.")
@keep_better_option
@click.option(
    "--format",
    "kind",
    type=click.Choice(list(FORMATS)),
    default="txt",
    show_default=True,
    help="What to write: text, or Tesseract's TSV, hOCR, ALTO, PAGE XML or a searchable PDF.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write here instead of standard output: a file for one input, a folder for several.",
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write every page as one searchable PDF.",
)
@click.option(
    "--pdf-image",
    type=click.Choice(["original", "cleaned"]),
    default="original",
    show_default=True,
    help="The image PDF pages show; the text layer comes from the read either way.",
)
@shared_options(pipeline=True, engine=True, batch=True)
def ocr(
    inputs: tuple[Path, ...],
    do_clean: bool,
    keep_better: bool,
    kind: str,
    output: Path | None,
    pdf_path: Path | None,
    pdf_image: str,
    run: Run,
) -> int:
    """Read the text of INPUT images (files or folders), optionally cleaned first.

    Boxes in every format are on the input page, whatever the pipeline rescaled, cropped or
    rotated. A multi-page input gives one document (PAGE XML: one file per page). In an output
    folder each input writes <stem><suffix>: .txt, .tsv, .hocr, .alto.xml, .page.xml or .pdf.
    """
    from .batch import run_batch
    from .report import number as _number
    from .tasks import OcrWork, shared_stems

    settings, verbose = run.settings, run.verbose
    pipeline = settings.chain() if do_clean or keep_better else None
    several = len(inputs) > 1 or any(p.is_dir() for p in inputs)
    if kind != "txt" and output is None and several:
        raise UsageError(f"--format {kind} for several inputs needs -o FOLDER")
    formats = tuple(dict.fromkeys([kind] + (["pdf"] if pdf_path else [])))
    for needed in {ENGINE_FORMATS[f] for f in formats if f != "txt"}:
        settings.host().engine(settings.options.engine, needed)  # a usage error before the batch starts
    files = run.files(inputs)
    failures: list[Failure] = []
    report = _failure_log(failures)
    target_of = None
    if output is not None:
        target_of = _document_target(output, several or output.is_dir(), kind, shared_stems(files))
        files = _free_outputs(files, target_of, report)
    work = OcrWork(settings, do_clean, keep_better, formats, pdf_image, measure=verbose)
    pages: list[Reading] = []
    pdf_pages: list[bytes] = []
    done = 0

    def file_done() -> None:
        if pages and target_of is not None:
            _write_document(kind, pages, target_of(pages[0].path), report)
        elif pages and kind != "txt":
            sys.stdout.buffer.write(join(kind, [p.documents[kind] for p in pages]))
        pages.clear()

    for reading in run_batch(files, work, run.executor, report, file_done):
        done += 1
        pages.append(reading)
        if pdf_path is not None:
            pdf_pages.append(reading.documents["pdf"])
        if output is None and kind == "txt":
            if several:
                click.echo(f"==> {reading.label} <==")
            click.echo(reading.text)
        if verbose:
            click.echo(
                f"[{reading.label}: {reading.engine}, confidence {_number(reading.confidence, '.1f')}, "
                f"dpi {reading.dpi or 'unknown'}, pipeline: {pipeline or 'none'}, kept: {reading.kept}; "
                f"scan: {reading.scan}]",
                err=True,
            )
    if pdf_path is not None and pdf_pages:
        with atomic_file(pdf_path) as handle:
            handle.write(join("pdf", pdf_pages))
    if several or failures:
        click.echo(f"read {done} page(s), failed {len(failures)}", err=True)
    return _exit_code(len(failures))


def _document_target(output: Path, folder: bool, kind: str, shared: frozenset[str]) -> Callable[[Path], Path]:
    """Where ``ocr -o`` writes an input's document: ``output``, or ``output/<name><suffix>``."""
    from .tasks import output_name

    return lambda path: output / f"{output_name(path, shared)}{FORMATS[kind]}" if folder else output


def _write_document(kind: str, pages: list[Reading], target: Path, report: Callable[[Failure], None]) -> None:
    """Write one input's pages as one document (PAGE XML: ``<name>.<n><suffix>`` per page of several)."""
    from .batch import Failure

    documents = [page.documents[kind] for page in pages]
    if kind == "page" and len(documents) > 1:
        suffix = FORMATS[kind] if target.name.endswith(FORMATS[kind]) else target.suffix
        base = target.name[: len(target.name) - len(suffix)]
        writes = [(target.with_name(f"{base}.{n}{suffix}"), d) for n, d in enumerate(documents, 1)]
    else:
        writes = [(target, join(kind, documents))]
    for path, document in writes:
        try:
            with atomic_file(path) as handle:
                handle.write(document)
        except OSError as exc:
            report(
                Failure(str(pages[0].path), f"cannot write {path}: {exc.strerror or exc}; check the folder")
            )


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write the report as JSON."
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a self-contained HTML report: images, overlays, aligned texts.",
)
@click.option(
    "--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False), help="Write one CSV row per file."
)
@click.option(
    "--truth",
    "truth_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Read <stem>.gt.txt from this folder instead of beside each image.",
)
@text_options
@keep_better_option
@click.option(
    "--fail-if-worse",
    type=click.FloatRange(min=0),
    is_flag=False,
    flag_value=0.0,
    default=None,
    metavar="[TOLERANCE]",
    help="Exit 6 if cleanup raises the CER by more than TOLERANCE (default 0).",
)
@shared_options(pipeline=True, engine=True, batch=True)
def compare(
    inputs: tuple[Path, ...],
    json_path: Path | None,
    html_path: Path | None,
    csv_path: Path | None,
    truth_dir: Path | None,
    ignore_case: bool,
    normalize_punctuation: bool,
    keep_better: bool,
    fail_if_worse: float | None,
    run: Run,
) -> int:
    """OCR INPUT images before and after cleanup and compare (default: sample_scans/).

    Ground truth is read from <stem>.gt.txt beside each image (or in --truth DIR); a page of a
    multi-page TIFF uses <stem>.<page>.gt.txt. Ctrl-C stops and reports what was done so far.
    """
    from .comparison import CompareWork, ReportData, default_inputs, run_compare
    from .metrics import TextOptions
    from .report import page_images, render_html, render_text, to_csv, to_json

    render = page_images if html_path is not None else None
    text_options = TextOptions(ignore_case, normalize_punctuation)
    work = CompareWork(run.settings, text_options, truth_dir, keep_better, render)
    files = run.files(default_inputs(inputs))
    with _progress() as progress:
        task = progress.add_task("comparing", total=len(files))
        report = run_compare(
            files,
            work,
            executor=run.executor,
            on_failure=_report_failure,
            on_file=lambda: progress.advance(task),
        )
    data = report.as_dict()
    longest = max((len(f["path"]) for f in data["files"]), default=0)
    table, lines = render_text(data)
    _console(longest + 80).print(table)
    for line in lines:
        click.echo(line)
    renderers: dict[Path | None, Callable[[ReportData], str]] = {
        json_path: to_json,
        csv_path: to_csv,
        html_path: lambda data: render_html(data, report.images),
    }
    for path, render_output in renderers.items():
        if path is not None:
            text = render_output(data)
            with atomic_file(path) as handle:
                handle.write(text.encode("utf-8"))
    if report.interrupted:
        click.echo("Error: interrupted; the report holds the files done so far", err=True)
        return ExitCode.INTERRUPTED
    change = data["summary"]["cer_change"]
    if fail_if_worse is not None and change is not None and change > fail_if_worse:
        click.echo(f"Error: cleanup made CER worse by {change:.4f} (tolerance {fail_if_worse:g})", err=True)
        return ExitCode.WORSE
    return _exit_code(len(report.failures))


def _progress() -> Progress:
    """A progress bar on stderr; silent when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console, disable=not console.is_terminal, transient=True,
    )  # fmt: skip


def _console(width: int) -> Console:
    """A console on stdout that is at least ``width`` wide, so file names never wrap in a pipe."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=max(width, console.width))


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--budget",
    type=click.IntRange(min=1),
    default=24,
    show_default=True,
    help="Random pipelines to try, besides the named ones.",
)
@click.option(
    "--held-out",
    type=click.FloatRange(0, 0.9),
    default=0.3,
    show_default=True,
    help="Share of files kept out of the search and used only to report the result.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the search and the split.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("tuned.toml"),
    show_default=True,
    help="Where to write the best pipeline (for --pipeline-file).",
)
@text_options
@shared_options(engine=True, batch=True)
def tune(
    inputs: tuple[Path, ...],
    budget: int,
    held_out: float,
    seed: int,
    output: Path,
    ignore_case: bool,
    normalize_punctuation: bool,
    run: Run,
) -> int:
    """Search pipelines over labelled INPUT scans for the lowest CER; write the best as TOML.

    Without ground truth the search maximises mean confidence instead.
    """
    from rich.table import Table

    from .metrics import TextOptions
    from .report import number as _number
    from .tune import tune as run_tune

    failures: list[Failure] = []
    files = run.files(inputs)
    with _progress() as progress:
        task = progress.add_task("tuning", total=len(files))
        result = run_tune(
            files, run.settings, TextOptions(ignore_case, normalize_punctuation), budget=budget,
            held_out=held_out, seed=seed, executor=run.executor, on_failure=_failure_log(failures),
            on_file=lambda: progress.advance(task),
        )  # fmt: skip
    ranked = sorted(result.search, key=lambda spec: result.search[spec].rank())
    table = Table(title=f"search on {result.search_files} file(s)", show_lines=False)
    table.add_column("pipeline")
    table.add_column("CER", justify="right")
    table.add_column("confidence", justify="right")
    for spec in ranked[:8]:
        table.add_row(spec, _number(result.search[spec].cer), _number(result.search[spec].confidence, ".1f"))
    _console(140).print(table)
    lines = [f"best: {result.best}"]
    if result.held_out:
        best, default, none = (result.held_out[s] for s in (result.best, DEFAULT_PIPELINE, "none"))
        lines.append(
            f"held-out ({result.held_out_files} file(s)): CER best {_number(best.cer)}, "
            f"default {_number(default.cer)}, no cleanup {_number(none.cer)}; "
            f"confidence best {best.confidence:.1f}, default {default.confidence:.1f}, "
            f"none {none.confidence:.1f}"
        )
        if best.cer is not None and default.cer is not None:
            lines.append(f"held-out CER change against the default: {best.cer - default.cer:+.3f}")
    for line in lines:
        click.echo(line)
    header = "".join(f"# {line}\n" for line in [f"ocrprep tune on {', '.join(map(str, inputs))}", *lines])
    with atomic_file(output) as handle:
        handle.write((header + "\n" + run.settings.host().pipeline(result.best).to_toml()).encode("utf-8"))
    click.echo(f"wrote {output}; use it with --pipeline-file {output}")
    return _exit_code(len(failures))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@shared_options()
def plugins(as_json: bool, run: Run) -> int:
    """List the registered plugins: name, version, distribution, hooks, stages, engines."""
    infos = run.settings.host().plugin_infos()
    if as_json:
        from .report import to_json

        click.echo(to_json([dataclasses.asdict(info) for info in infos]))
        return ExitCode.OK
    from rich.table import Table

    table = Table("plugin", "version", "distribution", "hooks", "stages", "engines")
    for info in infos:
        table.add_row(
            info.name, info.version, info.distribution, ", ".join(info.hooks),
            ", ".join(info.stages) or "-", ", ".join(info.engines) or "-",
        )  # fmt: skip
    _console(140).print(table)
    return ExitCode.OK


@cli.command()
@shared_options()
def stages(run: Run) -> int:
    """List every stage a pipeline can use, with its parameters, defaults and units."""
    host = run.settings.host()
    for stage in host.stages.values():
        click.echo(f"{stage.name}  [{stage.plugin}]  {stage.doc}")
        for p in stage.params:
            click.echo(f"    {p.name} = {spec_value(p.default)}  : {p.describe()}  {p.doc}")
    click.echo("\nnamed pipelines:")
    for name, spec in NAMED_PIPELINES.items():
        click.echo(f"    {name}: {spec}")
    return ExitCode.OK


def main() -> None:
    """Console-script entry point."""
    try:
        result = cli.main(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Error: interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    sys.exit(result if isinstance(result, int) else ExitCode.OK)
