"""Renderings of a comparison report (``Report.as_dict()``): JSON, CSV, and a self-contained HTML page."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from string import Template
from typing import Any, NamedTuple

import cv2
import numpy as np

from .metrics import TextOptions, align, normalize

CSV_COLUMNS = (
    "path", "status", "cer_change", "text_change",
    "before.cer", "after.cer", "before.wer", "after.wer", "before.cer_digits", "after.cer_digits",
    "before.exact", "after.exact", "before.confidence", "after.confidence",
    "before.insertions", "after.insertions", "before.deletions", "after.deletions",
    "before.substitutions", "after.substitutions", "before.text", "after.text", "truth",
)  # fmt: skip
"""One CSV row per file; ``before.x`` is field ``x`` of the file's ``before`` reading."""


def to_json(report: Any) -> str:
    """The report (or any plain data) as indented JSON, non-ASCII text kept as it is."""
    return json.dumps(report, indent=2, ensure_ascii=False)


def to_csv(report: dict[str, Any]) -> str:
    """One row per file with the columns in ``CSV_COLUMNS``; empty cells where a value is missing."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for page in report["files"]:
        row = []
        for column in CSV_COLUMNS:
            side, _, key = column.rpartition(".")
            value = page[side][key] if side else page[key]
            row.append("" if value is None else value)
        writer.writerow(row)
    return out.getvalue()


# --- HTML ----------------------------------------------------------------------------------------
#
# The page is built from small functions that each return a piece of HTML. Every string that comes
# from the data (OCR text, ground truth, file names, pipeline, confusions) passes through ``_e``; the
# markup around it is ours. Nothing is loaded from outside: styles and the sorting script are inline,
# images are data: URIs, and a Content-Security-Policy forbids anything else.

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


def render_html(report: dict[str, Any], images: Mapping[str, PageImages]) -> str:
    """The report (``Report.as_dict()``) as one self-contained HTML page.

    ``images`` holds each page's pictures keyed by ``files[].path``; a page may have none. The page
    loads nothing from outside and shows every string from the data as text.
    """
    options = TextOptions(report["ignore_case"], report["normalize_punctuation"])
    files = list(enumerate(report["files"]))
    title = f"ocrprep compare: {report['pipeline']}"
    body = "\n".join(
        [
            "<h1>OCR before and after cleanup</h1>",
            _summary_section(report),
            _files_section(files),
            *(_file_section(i, page, images.get(page["path"]), options) for i, page in files),
        ]
    )
    return PAGE.substitute(csp=_e(CSP), title=_e(title), style=STYLE, body=body, script=SCRIPT)


def _e(value: object) -> str:
    """Any value as HTML text, safe inside elements and quoted attributes."""
    return html.escape(str(value), quote=True)


def _num(value: float | None, digits: int = 3) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def _signed(value: float | None, digits: int = 3) -> str:
    """``+0.120``, or with a real minus sign (U+2212) ``\u22120.120``; a dash when missing."""
    return DASH if value is None else f"{value:+.{digits}f}".replace("-", MINUS)


def _confidence(value: float | None) -> str:
    return _num(value, 1)


def _signed_confidence(value: float | None) -> str:
    return _signed(value, 1)


def _count(value: float | None) -> str:
    return DASH if value is None else str(int(value))


def _signed_count(value: float | None) -> str:
    return _signed(value, 0)


def _percent(value: float | None) -> str:
    return DASH if value is None else f"{value:.0%}"


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


def _metrics_table(rows: list[tuple[Metric, Any, Any]]) -> str:
    """A table of before, after and change, the change coloured by whether it is for the better."""
    body = []
    for metric, before, after in rows:
        change, kind = None, ""
        if before is not None and after is not None:
            change = float(after) - float(before)
            better = change < 0 if metric.lower_is_better else change > 0
            kind = "same" if change == 0 else "better" if better else "worse"
        body.append(
            f"<tr><th>{_e(metric.label)}</th><td>{metric.show(before)}</td><td>{metric.show(after)}</td>"
            f'<td class="{kind}">{metric.show_change(change)}</td></tr>'
        )
    head = "<tr><th></th><th>before</th><th>after</th><th>change</th></tr>"
    return f'<table class="metrics"><thead>{head}</thead><tbody>\n' + "\n".join(body) + "</tbody></table>"


# --- summary


def _summary_section(report: dict[str, Any]) -> str:
    summary = report["summary"]
    return f"""<section id="summary">
<h2>Summary</h2>
<dl class="facts">
<dt>Pipeline</dt><dd><code>{_e(report["pipeline"])}</code></dd>
<dt>Engine</dt><dd>{_e(report["engine"])}</dd>
<dt>Text compared</dt><dd>{_e(_text_options_line(report))}</dd>
<dt>Files</dt><dd>{_counts_line(summary)}</dd>
</dl>
{_notices(report)}
<p class="verdict verdict-{_e(summary["verdict"].replace(" ", "-"))}">{_verdict_line(summary)}</p>
<div class="summary-grid">
<div>{_summary_metrics(summary)}</div>
<figure class="scatter">{_scatter(report["files"])}<figcaption>CER per file, before (x) and after (y)
cleanup. Points below the diagonal improved; hover a point for its file, click to open it.</figcaption>
</figure>
</div>
<h3>Confusions (truth\u2192OCR) over all files</h3>
{_confusions_table(summary["confusions"])}
</section>"""


def _text_options_line(report: dict[str, Any]) -> str:
    done = ["Unicode NFC", "whitespace collapsed"]
    if report["ignore_case"]:
        done.append("case ignored")
    if report["normalize_punctuation"]:
        done.append("quotes and dashes made plain")
    return ", ".join(done)


def _counts_line(summary: dict[str, Any]) -> str:
    return (
        f"{summary['files']} page(s), {summary['files_with_truth']} with ground truth, "
        f"{summary['failed']} failed; {summary['improved']} improved, {summary['worse']} worse, "
        f"{summary['same']} same"
    )


def _notices(report: dict[str, Any]) -> str:
    summary, notes = report["summary"], []
    if summary["interrupted"]:
        notes.append("Interrupted: the report holds only the files done before Ctrl-C.")
    if summary["no_truth"]:
        names = ", ".join(f"<code>{_e(p)}</code>" for p in summary["no_truth"])
        notes.append(f"No ground truth for {len(summary['no_truth'])} file(s): {names}")
    if summary.get("kept_original"):
        notes.append(f"keep-better kept the original for {summary['kept_original']} page(s).")
    for error in report["errors"]:
        notes.append(f"Failed: <code>{_e(error['path'])}</code>: {_e(error['error'])}")
    return "".join(f'<p class="notice">{note}</p>\n' for note in notes)


def _verdict_line(summary: dict[str, Any]) -> str:
    """``helped: CER change -0.210 (95% CI -0.300 to -0.120)``, with real minus signs."""
    if summary["cer_change_ci95"] is None:
        return "No ground truth: no verdict on the CER."
    low, high = summary["cer_change_ci95"]
    return (
        f"<strong>{_e(summary['verdict'])}</strong>: CER change {_signed(summary['cer_change'])} "
        f"(95% CI {_signed(low)} to {_signed(high)}, paired bootstrap over files)"
    )


def _summary_metrics(summary: dict[str, Any]) -> str:
    exact = f"Exact match ({summary['single_line_files']} single-line files)"
    rows = [
        (
            m._replace(label=exact) if m.key == "exact" else m,
            summary[f"{m.key}_before"],
            summary[f"{m.key}_after"],
        )
        for m in SUMMARY_METRICS
    ]
    rows += [(m, summary["errors_before"][m.key], summary["errors_after"][m.key]) for m in ERROR_KINDS]
    return _metrics_table(rows)


def _confusions_table(confusions: dict[str, list[dict[str, Any]]]) -> str:
    titles = {"before": "before", "after": "after", "fixed": "fixed by cleanup", "introduced": "introduced"}
    cells = []
    for kind, title in titles.items():
        items = "".join(f"<li><code>{_e(c['shown'])}</code></li>" for c in confusions[kind])
        cells.append(f"<div><h4>{title}</h4>{f'<ol>{items}</ol>' if items else '<p>none</p>'}</div>")
    return f'<div class="confusions">{"".join(cells)}</div>'


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


def _scatter(files: list[dict[str, Any]]) -> str:
    """An SVG plot of CER before (x) against after (y) per file, with the diagonal of no change."""
    points = [(i, f) for i, f in enumerate(files) if f["before"]["cer"] is not None]
    top = _axis_top([v for _, f in points for v in (f["before"]["cer"], f["after"]["cer"])])

    def x(v: float) -> float:
        return MARGIN + v / top * PLOT

    def y(v: float) -> float:
        return MARGIN / 2 + PLOT - v / top * PLOT

    ticks = "".join(
        f'<line x1="{x(t):.1f}" y1="{y(0)}" x2="{x(t):.1f}" y2="{y(0) + 4}"/>'
        f'<text x="{x(t):.1f}" y="{y(0) + 16}" text-anchor="middle">{t:g}</text>'
        f'<line x1="{x(0) - 4}" y1="{y(t):.1f}" x2="{x(0)}" y2="{y(t):.1f}"/>'
        f'<text x="{x(0) - 7}" y="{y(t) + 4:.1f}" text-anchor="end">{t:g}</text>'
        for t in (top * k / 4 for k in range(5))
    )
    dots = "".join(
        f'<a href="#file-{i}"><circle cx="{x(f["before"]["cer"]):.1f}" cy="{y(f["after"]["cer"]):.1f}" r="5" '
        f'fill="{STATUS_COLOURS[f["status"]]}"><title>{_e(f["path"])}: CER {_num(f["before"]["cer"])} '
        f"\u2192 {_num(f['after']['cer'])}</title></circle></a>"
        for i, f in points
    )
    size = PLOT + MARGIN * 1.5
    return f"""<svg class="plot" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img"
aria-label="CER before against after per file">
<rect x="{x(0)}" y="{y(top)}" width="{PLOT}" height="{PLOT}" class="frame"/>
<line x1="{x(0)}" y1="{y(0)}" x2="{x(top)}" y2="{y(top)}" class="diagonal"/>
<text x="{x(top * 0.75)}" y="{y(top * 0.4)}" text-anchor="middle" class="better">improved</text>
<text x="{x(top * 0.25)}" y="{y(top * 0.6)}" text-anchor="middle" class="worse">worse</text>
<g class="ticks">{ticks}</g>
<text x="{x(top / 2)}" y="{size - 4}" text-anchor="middle">CER before</text>
<text x="12" y="{y(top / 2)}" text-anchor="middle" transform="rotate(-90 12 {y(top / 2)})">CER after</text>
{dots}
</svg>"""


# --- the table of files


def _badge(status: str) -> str:
    return f'<span class="badge {_e(status.replace(" ", "-"))}">{_e(status)}</span>'


class Column(NamedTuple):
    """A column of the table of files: how to get a file's value and how to show it."""

    header: str
    numeric: bool
    value: Callable[[dict[str, Any]], Any]
    show: Callable[[Any], str] = _num


FILE_COLUMNS = (
    Column("File", False, lambda f: f["path"], _e),
    Column("Status", False, lambda f: f["status"], _badge),
    Column("CER before", True, lambda f: f["before"]["cer"]),
    Column("CER after", True, lambda f: f["after"]["cer"]),
    Column("CER change", True, lambda f: f["cer_change"], _signed),
    Column("WER before", True, lambda f: f["before"]["wer"]),
    Column("WER after", True, lambda f: f["after"]["wer"]),
    Column("Conf. before", True, lambda f: f["before"]["confidence"], _confidence),
    Column("Conf. after", True, lambda f: f["after"]["confidence"], _confidence),
    Column("Text change", True, lambda f: f["text_change"]),
)
DEFAULT_SORT = "CER change"
"""The column the table is sorted by at first, largest first (see ``worst_first``)."""


def worst_first(files: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """Files by CER change, largest (worst regression) first; files without ground truth last."""
    judged = [item for item in files if item[1]["cer_change"] is not None]
    unjudged = [item for item in files if item[1]["cer_change"] is None]
    return sorted(judged, key=lambda item: -item[1]["cer_change"]) + unjudged


def _files_section(files: list[tuple[int, dict[str, Any]]]) -> str:
    heads = "".join(
        f'<th data-type="{"num" if c.numeric else "text"}"'
        + (' aria-sort="descending"' if c.header == DEFAULT_SORT else "")
        + f'><button type="button">{c.header}</button></th>'
        for c in FILE_COLUMNS
    )
    rows = "\n".join(_file_row(i, page) for i, page in worst_first(files))
    return f"""<section id="files">
<h2>Files</h2>
<p class="hint">Worst regressions first. Click a column heading to sort by it; files without ground
truth stay last.</p>
<table class="files sortable"><thead><tr>{heads}</tr></thead>
<tbody>
{rows}
</tbody></table>
</section>"""


def _file_row(i: int, page: dict[str, Any]) -> str:
    """A row whose cells carry their sort key in ``data-v`` (empty when missing)."""
    cells = []
    for column in FILE_COLUMNS:
        value = column.value(page)
        key = "" if value is None else f"{value:.6g}" if column.numeric else value
        shown = column.show(value)
        if column.header == "File":
            shown = f'<a href="#file-{i}">{shown}</a>'
        cells.append(f'<td data-v="{_e(key)}">{shown}</td>')
    return f'<tr id="row-{i}">{"".join(cells)}</tr>'


# --- one file


def _file_section(i: int, page: dict[str, Any], images: PageImages | None, options: TextOptions) -> str:
    before, after = page["before"], page["after"]
    kept = (
        '<p class="notice">keep-better kept the original page: it read with higher confidence.</p>'
        if page.get("kept") == "original"
        else ""
    )
    return f"""<section class="file" id="file-{i}">
<h2>{_badge(page["status"])} <code>{_e(page["path"])}</code></h2>
<p class="hint">CER {_num(before["cer"])} \u2192 {_num(after["cer"])} (change {_signed(page["cer_change"])});
confidence {_num(before["confidence"], 1)} \u2192 {_num(after["confidence"], 1)};
text changed by {_num(page["text_change"])}. <a href="#files">back to the files</a></p>
{_scan_line(page.get("scan"))}{kept}{_images_block(images)}
{_texts_block(page, options)}
<div class="file-grid">
<div>{_file_metrics(page)}</div>
<div><h3>Confusions (truth\u2192OCR)</h3>{_confusions_table(page["confusions"])}</div>
</div>
</section>"""


def _scan_line(scan: dict[str, Any] | None) -> str:
    """What the measurement of the original page found, which the ``auto`` sizes come from."""
    if not scan:
        return ""
    if scan.get("stroke_width") is None:
        return '<p class="hint">scan: no text-like ink found</p>'
    parts = [
        f"stroke {_num(scan['stroke_width'], 1)} px",
        f"characters {_num(scan['char_height'], 0)} px high",
        f"{_e(scan['glyphs'])} glyphs, {_e(scan['specks'])} specks",
        f"DPI {_e(scan['dpi'] or 'unknown')}",
    ]
    if scan.get("inverted"):
        parts.append("light text on dark")
    if scan.get("dot_matrix"):
        parts.append(f"dot-matrix print (pitch {_num(scan['dot_pitch'], 1)} px)")
    return f'<p class="hint">scan: {", ".join(parts)}</p>\n'


def _images_block(images: PageImages | None) -> str:
    if images is None:
        return '<p class="hint">No images for this file.</p>'
    size = _png_size(images.original)
    wide = size is not None and size[0] > WIDE * size[1]
    dims = "" if size is None else f' width="{size[0]}" height="{size[1]}"'
    figures = [
        ("original", images.original, "Original"),
        ("cleaned", images.cleaned, "Cleaned"),
        ("overlay", images.overlay, f"What changed {OVERLAY_LEGEND}"),
    ]
    parts = "".join(
        f'<figure class="{css}"><img src="{_e(uri)}"{dims} alt="{css} page">'
        f"<figcaption>{caption}</figcaption></figure>"
        for css, uri, caption in figures
    )
    return f'<div class="images{" wide" if wide else ""}">{parts}</div>'


WIDE = 4
"""A page more than this many times as wide as it is tall gets its images one above the other."""

OVERLAY_LEGEND = (
    '<span class="key removed">removed ink</span> <span class="key added">added ink</span> '
    '<span class="key kept">kept as text</span>'
)


def _texts_block(page: dict[str, Any], options: TextOptions) -> str:
    """Before and after aligned against the truth, or against each other without truth."""
    before, after = normalize(page["before"]["text"], options), normalize(page["after"]["text"], options)
    if page["truth"] is None:
        title, legend = "Text before and after (no ground truth)", DIFF_LEGEND_NO_TRUTH
        panes = [_pane("before \u2192 after", aligned_html(before, after))]
    else:
        truth = normalize(page["truth"], options)
        title, legend = "OCR text aligned against the ground truth", DIFF_LEGEND
        panes = [
            _pane("ground truth", _e(truth)),
            _pane(f"before (CER {_num(page['before']['cer'])})", aligned_html(truth, before)),
            _pane(f"after (CER {_num(page['after']['cer'])})", aligned_html(truth, after)),
        ]
    raw = [_pane(side, _e(page[side]["text"]), "pre") for side in ("before", "after")]
    return (
        f'<h3>{title}</h3>\n<p class="legend">{legend}</p>\n<div class="texts">{"".join(panes)}</div>\n'
        f'<details><summary>Raw OCR text</summary><div class="texts">{"".join(raw)}</div></details>'
    )


def _pane(title: str, content: str, tag: str = "p") -> str:
    """A titled box of text; ``content`` is HTML already escaped."""
    css = "" if tag == "pre" else ' class="diff"'
    return f"<div><h4>{_e(title)}</h4><{tag}{css}>{content}</{tag}></div>"


DIFF_LEGEND = (
    '<del class="d-del">deleted</del> (in the truth, missing from the OCR) '
    '<ins class="d-ins">inserted</ins> (in the OCR only) '
    '<span class="d-sub"><del>truth</del><ins>ocr</ins></span> substituted; \u2423 is a space'
)
DIFF_LEGEND_NO_TRUTH = (
    '<del class="d-del">only before</del> <ins class="d-ins">only after</ins> '
    '<span class="d-sub"><del>before</del><ins>after</ins></span> changed; \u2423 is a space'
)


def aligned_html(reference: str, text: str) -> str:
    """``text`` aligned against ``reference`` as HTML: insertions, deletions and substitutions marked.

    Deleted pieces (only in ``reference``) are ``<del class="d-del">``, inserted pieces (only in
    ``text``) ``<ins class="d-ins">``, and a substitution a ``<span class="d-sub">`` holding both. A
    space inside a marked piece is shown as ``␣`` so that it can be seen.
    """

    def shown(piece: str) -> str:
        return _e(piece.replace(" ", "\u2423"))

    out = []
    for tag, ref, got in align(reference, text):
        if tag == "equal":
            out.append(_e(got))
        elif tag == "delete":
            out.append(f'<del class="d-del">{shown(ref)}</del>')
        elif tag == "insert":
            out.append(f'<ins class="d-ins">{shown(got)}</ins>')
        else:
            out.append(f'<span class="d-sub"><del>{shown(ref)}</del><ins>{shown(got)}</ins></span>')
    return "".join(out)


def _file_metrics(page: dict[str, Any]) -> str:
    before, after = page["before"], page["after"]
    return "<h3>Metrics</h3>" + _metrics_table([(m, before[m.key], after[m.key]) for m in FILE_METRICS])


# --- the page

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="$csp">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$style</style>
</head>
<body>
$body
<script>$script</script>
</body>
</html>
""")

STYLE = """
:root { --removed: rgb(220 38 38); --added: rgb(37 99 235); --kept: rgb(22 163 74);
  --better: #15803d; --worse: #b91c1c; --line: #d4d4d8; --muted: #52525b; --soft: #f4f4f5; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #18181b;
  background: #fff; margin: 0 auto; padding: 1.5rem 2rem 4rem; max-width: 1400px; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 0.6rem; padding-top: 1rem; border-top: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.5rem; }
h4 { font-size: 0.9rem; margin: 0 0 0.3rem; color: var(--muted); font-weight: 600; }
code, pre, .diff { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.9em; }
a { color: #1d4ed8; }
.hint, figcaption { color: var(--muted); font-size: 0.9rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0 0 1rem; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; overflow-wrap: anywhere; }
.notice { background: #fef9c3; border-left: 4px solid #ca8a04; padding: 0.4rem 0.8rem; margin: 0.4rem 0;
  overflow-wrap: anywhere; }
.verdict { font-size: 1.15rem; padding: 0.6rem 1rem; border-radius: 6px; background: var(--soft); }
.verdict-helped { background: #dcfce7; } .verdict-hurt { background: #fee2e2; }
.summary-grid, .file-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr));
  gap: 1.5rem; align-items: start; }
table { border-collapse: collapse; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--line); text-align: right;
  font-variant-numeric: tabular-nums; }
th:first-child, td:first-child { text-align: left; }
table.metrics { width: 100%; margin-bottom: 1rem; }
table.metrics tbody th { font-weight: 500; }
td.better { color: var(--better); font-weight: 600; } td.worse { color: var(--worse); font-weight: 600; }
table.files { width: 100%; }
table.files td:first-child { max-width: 28rem; overflow-wrap: anywhere; }
table.files th:nth-child(2), table.files td:nth-child(2) { text-align: left; }
table.files th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0;
  cursor: pointer; color: inherit; }
table.files th[aria-sort=descending] button::after { content: " \\25BC"; }
table.files th[aria-sort=ascending] button::after { content: " \\25B2"; }
table.files tbody tr:hover { background: var(--soft); }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 999px; font-size: 0.8rem;
  font-weight: 600; background: #e4e4e7; color: #3f3f46; vertical-align: middle; }
.badge.improved { background: #dcfce7; color: var(--better); }
.badge.worse { background: #fee2e2; color: var(--worse); }
.confusions { display: grid; grid-template-columns: repeat(4, minmax(7rem, 1fr)); gap: 1rem; }
.confusions ol { margin: 0; padding-left: 2.2rem; } .confusions p { margin: 0; color: var(--muted); }
.scatter { margin: 0; } .scatter svg { max-width: 100%; height: auto; font-size: 11px; }
.plot .frame { fill: #fafafa; stroke: var(--line); }
.plot .diagonal { stroke: #a1a1aa; stroke-dasharray: 4 3; }
.plot .ticks line { stroke: #71717a; } .plot text { fill: #3f3f46; } .plot .better { fill: var(--better); }
.plot .worse { fill: var(--worse); }
.plot circle { fill-opacity: 0.75; stroke: #fff; stroke-width: 1; }
.file h2 { overflow-wrap: anywhere; }
.images { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.images figure { margin: 0; flex: 1 1 0; min-width: 240px; }
.images.wide figure { flex: 0 1 auto; min-width: 0; }
.images img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
.key::before { content: ""; display: inline-block; width: 0.8em; height: 0.8em; margin: 0 0.25em 0 0.5em;
  vertical-align: -0.05em; border-radius: 2px; }
.key.removed::before { background: var(--removed); } .key.added::before { background: var(--added); }
.key.kept::before { background: var(--kept); }
.texts { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 1rem; }
.diff, pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; padding: 0.5rem 0.7rem;
  background: var(--soft); border-radius: 4px; line-height: 1.6; }
.legend { font-size: 0.9rem; color: var(--muted); }
.d-del, .d-sub del { background: #fecaca; color: #7f1d1d; text-decoration: line-through; }
.d-ins, .d-sub ins { background: #bfdbfe; color: #1e3a8a; text-decoration: none; }
.d-sub { outline: 1px solid #f59e0b; border-radius: 2px; }
.d-sub ins { margin-left: 1px; }
details { margin-top: 0.6rem; } summary { cursor: pointer; color: var(--muted); }
"""

SCRIPT = """
"use strict";
// Sort a table by the clicked column: numbers or text, empty cells (no ground truth) always last.
function sortBy(th) {
  const table = th.closest("table"), body = table.tBodies[0], column = th.cellIndex;
  const numeric = th.dataset.type === "num";
  const current = th.getAttribute("aria-sort");
  const order = current === "descending" ? "ascending"
    : current === "ascending" ? "descending" : numeric ? "descending" : "ascending";
  for (const other of table.querySelectorAll("th[aria-sort]")) other.removeAttribute("aria-sort");
  th.setAttribute("aria-sort", order);
  const sign = order === "ascending" ? 1 : -1;
  const key = (row) => row.cells[column].dataset.v;
  const rows = Array.from(body.rows).sort((a, b) => {
    const x = key(a), y = key(b);
    if (x === "" || y === "") return (x === "") - (y === "");
    return sign * (numeric ? Number(x) - Number(y) : x.localeCompare(y));
  });
  body.append(...rows);
}
for (const th of document.querySelectorAll("table.sortable th[data-type]")) {
  th.addEventListener("click", () => sortBy(th));
}
"""
