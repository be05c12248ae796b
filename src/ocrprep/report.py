"""Renderings of a comparison report (``Report.as_dict()``): JSON, CSV, the terminal's table, and a
self-contained HTML page from the Jinja2 templates in ``ocrprep/templates``."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any, NamedTuple

from markupsafe import Markup

from .comparison import PageData, ReportData, SummaryData
from .libs import cv2, np
from .measure import describe
from .metrics import TextOptions, align, normalize

if TYPE_CHECKING:  # imported where used: the command line starts without them
    from jinja2 import Environment
    from rich.table import Table

CSV_COLUMNS = (
    "path", "status", "cer_change", "text_change",
    "before.cer", "after.cer", "before.wer", "after.wer", "before.cer_digits", "after.cer_digits",
    "before.exact", "after.exact", "before.confidence", "after.confidence",
    "before.insertions", "after.insertions", "before.deletions", "after.deletions",
    "before.substitutions", "after.substitutions", "before.text", "after.text", "truth",
)  # fmt: skip
"""One CSV row per file; ``before.x`` is field ``x`` of the file's ``before`` reading."""


def number(value: float | None, fmt: str = ".3f", missing: str = "-") -> str:
    """``value`` formatted with ``fmt``, or ``missing`` when there is none.

    The one number formatter of the package: the reports' and the CLI's.
    """
    return missing if value is None else format(value, fmt)


def to_json(report: Any) -> str:
    """The report (or any plain data) as indented JSON, non-ASCII text kept as it is."""
    return json.dumps(report, indent=2, ensure_ascii=False)


def to_csv(report: ReportData) -> str:
    """One row per file with the columns in ``CSV_COLUMNS``; empty cells where a value is missing."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for page in report["files"]:
        sides: dict[str, Mapping[str, Any]] = {"": page, "before": page["before"], "after": page["after"]}
        row = []
        for column in CSV_COLUMNS:
            side, _, key = column.rpartition(".")
            value = sides[side][key]
            row.append("" if value is None else value)
        writer.writerow(row)
    return out.getvalue()


# --- the terminal ------------------------------------------------------------------------------


def render_text(report: ReportData) -> tuple[Table, list[str]]:
    """What ``compare`` prints: a table of the pages with totals in its footer, and the lines below it.

    The table is a rich renderable, so that a terminal shows it styled and as wide as the terminal.
    """
    return _text_table(report), _summary_lines(report["summary"])


def _text_table(report: ReportData) -> Table:
    """One row per page: status, CER and confidence before and after; totals in the footer."""
    from rich.table import Table

    summary = report["summary"]
    table = Table(title=f"OCR before and after: {report['pipeline']}", show_footer=True)
    columns = {
        "file": f"total: {summary['files']} page(s)",
        "status": f"{summary['improved']} better, {summary['worse']} worse",
        "CER before": number(summary["cer_before"]),
        "CER after": number(summary["cer_after"]),
        "conf before": number(summary["confidence_before"], ".1f"),
        "conf after": number(summary["confidence_after"], ".1f"),
    }
    for header, total in columns.items():
        table.add_column(header, footer=total, justify="left" if header in ("file", "status") else "right")
    for page in report["files"]:
        before, after = page["before"], page["after"]
        table.add_row(
            page["path"], page["status"], number(before["cer"]), number(after["cer"]),
            number(before["confidence"], ".1f"), number(after["confidence"], ".1f"),
        )  # fmt: skip
    return table


def _summary_lines(summary: SummaryData) -> list[str]:
    """The totals below the table: verdict with its interval, other rates, confusions, missing truth."""
    values: Mapping[str, Any] = summary

    def pair(name: str, fmt: str = ".3f") -> str:
        return f"{number(values[f'{name}_before'], fmt)} -> {number(values[f'{name}_after'], fmt)}"

    counts = f"{summary['files']} page(s), {summary['files_with_truth']} with ground truth"
    lines = [f"{counts}, {summary['failed']} failed"]
    if summary["cer_change_ci95"] is not None:
        low, high = summary["cer_change_ci95"]
        lines.append(
            f"verdict: {summary['verdict']}: CER {pair('cer')} (change {summary['cer_change']:+.3f}, "
            f"95% CI {low:+.3f} to {high:+.3f}, paired bootstrap over files)"
        )
        lines.append(
            f"CER per-file mean {pair('cer_mean')}; WER {pair('wer')}; digit CER {pair('cer_digits')}; "
            f"exact match {pair('exact', '.0%')} of {summary['single_line_files']} single-line files"
        )
        for kind in ("fixed", "introduced"):
            shown = ", ".join(c["shown"] for c in summary["confusions"][kind][:6]) or "none"
            lines.append(f"confusions {kind}: {shown}")
    if summary["kept_original"]:
        lines.append(f"keep-better kept the original for {summary['kept_original']} page(s)")
    if summary["no_truth"]:
        lines.append(
            f"no ground truth for {len(summary['no_truth'])} file(s): {', '.join(summary['no_truth'])}"
        )
    return lines


# --- HTML ----------------------------------------------------------------------------------------
#
# The page is the template ``templates/report.html.j2``, rendered with autoescaping: every string
# from the data (OCR text, ground truth, file names, pipeline, confusions) is escaped there, and
# Python only prepares values and coordinates. Nothing is loaded from outside: the styles and the
# sorting script (``report.css``, ``report.js``) are inlined, images are data: URIs, and the
# Content-Security-Policy allows nothing else.

INK_LEVEL = 128
"""A pixel darker than this (0-255) is ink."""

REMOVED_RGB = (220, 38, 38)
"""Overlay colour of ink the cleanup removed (red)."""
ADDED_RGB = (37, 99, 235)
"""Overlay colour of ink the cleanup added (blue)."""
KEPT_RGB = (22, 163, 74)
"""Overlay colour of small ink the cleanup deliberately kept as text (green)."""
FADED_INK = 200
"""Gray level (0-255) of the page's ink under the overlay's colours; its paper is white."""

DASH, MINUS = "\u2013", "\u2212"

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


@dataclass(frozen=True)
class PageImages:
    """A page's images as PNG data URIs (``data:image/png;base64,...``) ready for ``<img src>``."""

    original: str
    cleaned: str
    overlay: str


def page_images(
    original: np.ndarray, cleaned: np.ndarray, kept: np.ndarray | None = None, max_side: int = 1200
) -> PageImages:
    """The original, the cleaned page and their overlay, scaled so the longest side is ``max_side`` or less.

    Parameters
    ----------
    original, cleaned : 2-D uint8 arrays of the same shape, gray (0 ink, 255 paper).
    kept : optional bool array of that shape: small ink the cleanup deliberately kept (dots, punctuation).
    max_side : the longest side of every image, in pixels, at most; smaller pages are not enlarged.

    Examples
    --------
    >>> page = np.full((20, 40), 255, np.uint8)
    >>> page_images(page, page).original.startswith("data:image/png;base64,")
    True
    """
    _check_pages(original, cleaned, kept)
    return PageImages(
        _png_uri(_scaled(original, max_side)),
        _png_uri(_scaled(cleaned, max_side)),
        _png_uri(overlay(original, cleaned, kept, max_side)),
    )


def overlay(
    original: np.ndarray, cleaned: np.ndarray, kept: np.ndarray | None = None, max_side: int | None = None
) -> np.ndarray:
    """An RGB picture of what the cleanup changed: the page faded, ink removed in red, added in blue.

    Ink is a pixel darker than ``INK_LEVEL``. Ink in ``original`` but not in ``cleaned`` is drawn in
    ``REMOVED_RGB``, ink only in ``cleaned`` in ``ADDED_RGB``, and ``kept`` pixels in ``KEPT_RGB``;
    under them the original page is faded: its ink light gray (``FADED_INK``), its paper white, so
    that paper texture neither hides the colours nor swells the PNG. When ``max_side`` is given the
    picture is scaled down to it, and a scaled pixel takes a colour when any of the pixels it covers
    had it, so a removed speck of one pixel stays visible on a large page.
    """
    _check_pages(original, cleaned, kept)
    ink_before, ink_after = original < INK_LEVEL, cleaned < INK_LEVEL
    layers = [
        (kept if kept is not None else np.zeros_like(ink_before), KEPT_RGB),
        (ink_after & ~ink_before, ADDED_RGB),
        (ink_before & ~ink_after, REMOVED_RGB),
    ]
    coverage = _scaled(ink_before.astype(np.float32), max_side)
    base = (255 - coverage * (255 - FADED_INK)).round().astype(np.uint8)
    picture = np.repeat(base[..., None], 3, axis=2)
    for mask, colour in layers:
        picture[_scaled_mask(mask, max_side)] = colour
    return picture


def _check_pages(original: np.ndarray, cleaned: np.ndarray, kept: np.ndarray | None) -> None:
    for name, image in (("original", original), ("cleaned", cleaned)):
        if image.dtype != np.uint8 or image.ndim != 2:
            raise ValueError(f"{name} must be a 2-D uint8 gray image, not {image.ndim}-D {image.dtype}")
    if cleaned.shape != original.shape:
        raise ValueError(f"cleaned image is {cleaned.shape}, original {original.shape}: they must match")
    if kept is not None and (kept.dtype != np.bool_ or kept.shape != original.shape):
        raise ValueError(f"kept must be a bool mask of shape {original.shape}")


def _scaled_size(shape: tuple[int, ...], max_side: int | None) -> tuple[int, int] | None:
    """(width, height) that fits in ``max_side``, or None when the image fits already."""
    height, width = shape[:2]
    if max_side is None or max(height, width) <= max_side:
        return None
    ratio = max_side / max(height, width)
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _scaled(image: np.ndarray, max_side: int | None) -> np.ndarray:
    size = _scaled_size(image.shape, max_side)
    return image if size is None else cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _scaled_mask(mask: np.ndarray, max_side: int | None) -> np.ndarray:
    """The mask scaled down like the image; a scaled pixel is set when any pixel under it was."""
    size = _scaled_size(mask.shape, max_side)
    if size is None:
        return mask
    return cv2.resize(mask.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0


def _png_uri(image: np.ndarray) -> str:
    """A PNG data URI; black-and-white pages are stored with one bit a pixel, colour as RGB."""
    if image.ndim == 3:
        flags = [cv2.IMWRITE_PNG_COMPRESSION, 9]
        ok, data = cv2.imencode(".png", np.ascontiguousarray(image[..., ::-1]), flags)
    else:
        bilevel = bool(np.isin(image, (0, 255)).all())
        flags = [cv2.IMWRITE_PNG_COMPRESSION, 9, cv2.IMWRITE_PNG_BILEVEL, int(bilevel)]
        ok, data = cv2.imencode(".png", image, flags)
    if not ok:
        raise ValueError("could not encode the image as PNG")
    return "data:image/png;base64," + base64.b64encode(data.tobytes()).decode("ascii")


def _png_size(uri: str) -> tuple[int, int] | None:
    """(width, height) read from the PNG header of a data URI; None if it is not a PNG data URI."""
    prefix = "data:image/png;base64,"
    if not uri.startswith(prefix):
        return None
    header = base64.b64decode(uri[len(prefix) : len(prefix) + 32])
    if header[:8] != b"\x89PNG\r\n\x1a\n" or len(header) < 24:
        return None
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def render_html(report: ReportData, images: Mapping[str, PageImages]) -> str:
    """The report (``Report.as_dict()``) as one self-contained HTML page.

    ``images`` holds each page's pictures keyed by ``files[].path``; a page may have none. The page
    loads nothing from outside and shows every string from the data as text.
    """
    options = TextOptions(report["ignore_case"], report["normalize_punctuation"])
    pages = list(enumerate(report["files"]))
    style, script = _package_text("report.css"), _package_text("report.js")
    template = _environment().get_template("report.html.j2")
    return template.render(
        data=report,
        csp=_csp(style, script),
        style=Markup(style),  # our own files: the only markup not escaped
        script=Markup(script),
        summary_metrics=_summary_metrics(report["summary"]),
        plot=Scatter.of(report["files"]),
        columns=FILE_COLUMNS,
        default_sort=DEFAULT_SORT,
        rows=[FileRow.of(i, page) for i, page in worst_first(pages)],
        file_views=[FileView.of(i, page, images.get(page["path"]), options) for i, page in pages],
    )


def _csp(style: str, script: str) -> str:
    """The page's Content-Security-Policy: data: images, and only the inline style and script given.

    They are allowed by their SHA-256 hashes, so that no other inline style or script could run even
    if some markup slipped through the escaping.
    """
    return f"default-src 'none'; img-src data:; style-src {_hash(style)}; script-src {_hash(script)}"


def _hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def _package_text(name: str) -> str:
    """A file of ``ocrprep/templates``, shipped as package data."""
    return files("ocrprep").joinpath("templates", name).read_text(encoding="utf-8")


def _environment() -> Environment:
    """The templates' environment: autoescaping on, and an error for any name a template misspells."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("ocrprep", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=_num, signed=_signed, describe=describe)
    return env


def aligned_html(reference: str, text: str) -> str:
    """``text`` aligned against ``reference`` as HTML: insertions, deletions and substitutions marked.

    Deleted pieces (only in ``reference``) are ``<del class="d-del">``, inserted pieces (only in
    ``text``) ``<ins class="d-ins">``, and a substitution a ``<span class="d-sub">`` holding both. A
    space inside a marked piece is shown as ``␣`` so that it can be seen. It is the report's own
    ``aligned`` macro.
    """
    macro = '{% from "macros.html.j2" import aligned %}{{ aligned(pieces) }}'
    return _environment().from_string(macro).render(pieces=align(reference, text))


def _num(value: float | None, digits: int = 3) -> str:
    return number(value, f".{digits}f", DASH)


def _signed(value: float | None, digits: int = 3) -> str:
    """``+0.120``, or with a real minus sign (U+2212) ``\u22120.120``; a dash when missing."""
    return number(value, f"+.{digits}f", DASH).replace("-", MINUS)


def _confidence(value: float | None) -> str:
    return _num(value, 1)


def _signed_confidence(value: float | None) -> str:
    return _signed(value, 1)


def _count(value: float | None) -> str:
    return _num(value, 0)


def _signed_count(value: float | None) -> str:
    return _signed(value, 0)


def _percent(value: float | None) -> str:
    return number(value, ".0%", DASH)


def _signed_points(value: float | None) -> str:
    """A change of a share in percentage points: ``+25 pts``."""
    return DASH if value is None else f"{_signed(value * 100, 0)} pts"


def _yes_no(value: float | None) -> str:
    return DASH if value is None else "yes" if value else "no"


class Metric(NamedTuple):
    """A row of a metrics table: ``key`` names its before and after values."""

    label: str
    key: str
    show: Callable[[float | None], str] = _num
    show_change: Callable[[float | None], str] = _signed
    lower_is_better: bool = True


ERROR_KINDS = (
    Metric("Insertions", "insertions", _count, _signed_count),
    Metric("Deletions", "deletions", _count, _signed_count),
    Metric("Substitutions", "substitutions", _count, _signed_count),
)

SUMMARY_METRICS = (
    Metric("CER (character-weighted)", "cer"),
    Metric("CER (per-file mean)", "cer_mean"),
    Metric("WER (word-weighted)", "wer"),
    Metric("WER (per-file mean)", "wer_mean"),
    Metric("Digit CER (digit-weighted)", "cer_digits"),
    Metric("Exact match", "exact", _percent, _signed_points, lower_is_better=False),
    Metric("Mean confidence", "confidence", _confidence, _signed_confidence, lower_is_better=False),
)
"""Rows of the summary's metrics table: ``summary[key + "_before"]`` and ``summary[key + "_after"]``."""

FILE_METRICS = (
    Metric("CER", "cer"),
    Metric("WER", "wer"),
    Metric("Digit CER", "cer_digits"),
    Metric("Exact match", "exact", _yes_no, _signed_count, lower_is_better=False),
    Metric("Confidence", "confidence", _confidence, _signed_confidence, lower_is_better=False),
    *ERROR_KINDS,
)
"""Rows of a file's metrics table: fields of its ``before`` and ``after`` readings."""


@dataclass(frozen=True)
class MetricRow:
    """A row of a metrics table as shown: before, after, and the change, ``kind`` its colour."""

    label: str
    before: str
    after: str
    change: str
    kind: str
    """``better``, ``worse``, ``same``, or empty when a side is missing."""

    @classmethod
    def of(cls, metric: Metric, before: float | None, after: float | None) -> MetricRow:
        change, kind = None, ""
        if before is not None and after is not None:
            change = float(after) - float(before)
            better = change < 0 if metric.lower_is_better else change > 0
            kind = "same" if change == 0 else "better" if better else "worse"
        return cls(metric.label, metric.show(before), metric.show(after), metric.show_change(change), kind)


def _summary_metrics(summary: SummaryData) -> list[MetricRow]:
    values: Mapping[str, Any] = summary
    exact = f"Exact match ({summary['single_line_files']} single-line files)"
    rows = [
        MetricRow.of(
            m._replace(label=exact) if m.key == "exact" else m,
            values[f"{m.key}_before"],
            values[f"{m.key}_after"],
        )
        for m in SUMMARY_METRICS
    ]
    errors_before: Mapping[str, Any] = summary["errors_before"]
    errors_after: Mapping[str, Any] = summary["errors_after"]
    return rows + [MetricRow.of(m, errors_before[m.key], errors_after[m.key]) for m in ERROR_KINDS]


# --- scatter plot

PLOT = 300
"""Side of the scatter plot's drawing area, in SVG units; axes and labels sit in the margin."""
MARGIN = 44
STATUS_COLOURS = {"improved": "#16a34a", "worse": "#dc2626", "same": "#6b7280"}


def _axis_top(values: list[float]) -> float:
    """The smallest of 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5 ... that holds every value."""
    top, steps = 0.01, (2.0, 2.5, 2.0)
    i = 0
    while top < max(values, default=0.0):
        top *= steps[i % 3]
        i += 1
    return top


@dataclass(frozen=True)
class Point:
    """A file in the scatter plot: its CER before (x) and after (y)."""

    index: int
    path: str
    before: float
    after: float
    colour: str


@dataclass(frozen=True)
class Scatter:
    """The coordinates of the plot of CER before (x) against after (y), with the diagonal of no change."""

    top: float
    """The largest CER on both axes."""
    points: list[Point]
    side: int = PLOT
    size: float = PLOT + MARGIN * 1.5

    @classmethod
    def of(cls, pages: list[PageData]) -> Scatter:
        points = [
            Point(i, p["path"], p["before"]["cer"], p["after"]["cer"], STATUS_COLOURS[p["status"]])
            for i, p in enumerate(pages)
            if p["before"]["cer"] is not None and p["after"]["cer"] is not None
        ]
        return cls(_axis_top([v for p in points for v in (p.before, p.after)]), points)

    @property
    def ticks(self) -> list[float]:
        return [self.top * k / 4 for k in range(5)]

    def x(self, value: float) -> float:
        return MARGIN + value / self.top * PLOT

    def y(self, value: float) -> float:
        return MARGIN / 2 + PLOT - value / self.top * PLOT


# --- the table of files


class Column(NamedTuple):
    """A numeric column of the table of files (after File and Status): a file's value and how to show it."""

    header: str
    value: Callable[[PageData], float | None]
    show: Callable[[float | None], str] = _num


FILE_COLUMNS = (
    Column("CER before", lambda f: f["before"]["cer"]),
    Column("CER after", lambda f: f["after"]["cer"]),
    Column("CER change", lambda f: f["cer_change"], _signed),
    Column("WER before", lambda f: f["before"]["wer"]),
    Column("WER after", lambda f: f["after"]["wer"]),
    Column("Conf. before", lambda f: f["before"]["confidence"], _confidence),
    Column("Conf. after", lambda f: f["after"]["confidence"], _confidence),
    Column("Text change", lambda f: f["text_change"]),
)
DEFAULT_SORT = "CER change"
"""The column the table is sorted by at first, largest first (see ``worst_first``)."""


def worst_first(files: list[tuple[int, PageData]]) -> list[tuple[int, PageData]]:
    """Files by CER change, largest (worst regression) first; files without ground truth last."""
    judged = [(i, page, page["cer_change"]) for i, page in files]
    regressions = sorted(((i, p, c) for i, p, c in judged if c is not None), key=lambda item: -item[2])
    return [(i, p) for i, p, _ in regressions] + [(i, p) for i, p, c in judged if c is None]


@dataclass(frozen=True)
class Cell:
    """A numeric cell: its sort key for the script (``data-v``, empty when missing) and its text."""

    key: str
    shown: str


@dataclass(frozen=True)
class FileRow:
    """A row of the table of files."""

    index: int
    page: PageData
    cells: list[Cell]

    @classmethod
    def of(cls, index: int, page: PageData) -> FileRow:
        values = [(column, column.value(page)) for column in FILE_COLUMNS]
        cells = [Cell("" if v is None else f"{v:.6g}", column.show(v)) for column, v in values]
        return cls(index, page, cells)


# --- one file

WIDE = 4
"""A page more than this many times as wide as it is tall gets its images one above the other."""


@dataclass(frozen=True)
class Pane:
    """A titled box of text aligned against a reference, in ``(tag, reference, text)`` pieces."""

    title: str
    pieces: list[tuple[str, str, str]]


@dataclass(frozen=True)
class FileView:
    """What a file's section shows beside its data: images, aligned texts, metrics."""

    index: int
    page: PageData
    images: PageImages | None
    size: tuple[int, int] | None
    """Width and height of the images, px."""
    panes: list[Pane]
    metrics: list[MetricRow]

    @property
    def wide(self) -> bool:
        return self.size is not None and self.size[0] > WIDE * self.size[1]

    @classmethod
    def of(cls, index: int, page: PageData, images: PageImages | None, options: TextOptions) -> FileView:
        before, after = page["before"], page["after"]
        size = None if images is None else _png_size(images.original)
        sides: tuple[Mapping[str, Any], Mapping[str, Any]] = before, after
        metrics = [MetricRow.of(m, sides[0][m.key], sides[1][m.key]) for m in FILE_METRICS]
        return cls(index, page, images, size, _panes(page, options), metrics)


def _panes(page: PageData, options: TextOptions) -> list[Pane]:
    """Before and after aligned against the truth, or against each other without truth."""
    before = normalize(page["before"]["text"], options)
    after = normalize(page["after"]["text"], options)
    if page["truth"] is None:
        return [Pane("before \u2192 after", align(before, after))]
    truth = normalize(page["truth"], options)
    return [
        Pane("ground truth", [("equal", truth, truth)]),
        Pane(f"before (CER {_num(page['before']['cer'])})", align(truth, before)),
        Pane(f"after (CER {_num(page['after']['cer'])})", align(truth, after)),
    ]
