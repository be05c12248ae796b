"""OCR documents of a page in the input file's coordinates, and several pages joined into one.

Tesseract writes TSV, hOCR and ALTO for the pixels it read. When the pipeline rescaled, cropped or
rotated the page, the boxes are moved here onto the input page, so the documents line up with the
file the user gave whatever the pipeline did. PAGE XML (which Tesseract 5.3 does not write) is
built from the moved TSV. A searchable PDF page shows the page image (as it is, or cleaned) with
the engine's invisible text layer laid over it by the same mapping.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .libs import np

if TYPE_CHECKING:  # imported where used: the CLI reads FORMATS at start-up
    import xml.etree.ElementTree as ET

    from .images import FileGrid
    from .types import Scan

FORMATS = {
    "txt": ".txt",
    "tsv": ".tsv",
    "hocr": ".hocr",
    "alto": ".alto.xml",
    "page": ".page.xml",
    "pdf": ".pdf",
}
"""The ``ocr --format`` choices and the suffix of the file each writes in an output folder."""
ENGINE_FORMATS = {"tsv": "tsv", "hocr": "hocr", "alto": "alto", "page": "tsv", "pdf": "pdf"}
"""Which engine render each format is made from (PAGE XML from the TSV)."""
PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
ASSUMED_DPI = 300
"""The page size of a PDF page whose image states no resolution."""

_TSV_BOX = slice(6, 10)
_HOCR_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_HOCR_SIZES = re.compile(r"(x_size|x_descenders|x_ascenders) (-?[\d.]+)")
_HOCR_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_HOCR_PAGE = re.compile(r"image \"[^\"]*\"; bbox [^;]*; ppageno \d+; scan_res \d+ \d+")
_ALTO_TAG = re.compile(
    r"<(String|SP|TextLine|TextBlock|ComposedBlock|PrintSpace|Illustration|GraphicalElement)\b[^>]*>"
)
_ALTO_PAGE = re.compile(r"<Page WIDTH=\"\d+\" HEIGHT=\"\d+\"")
_ALTO_FILE = re.compile(r"<fileName>[^<]*</fileName>")


def move_tsv(table: str, scan: Scan) -> str:
    """Tesseract's TSV with every row's box on the input page (the page row: the whole page)."""
    rows = table.rstrip("\n").split("\n")
    out = [rows[0]]
    width, height = scan.input_size
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) >= 12:
            box = (0, 0, width, height) if cells[0] == "1" else scan.input_box(*map(int, cells[_TSV_BOX]))
            cells[_TSV_BOX] = map(str, box)
        out.append("\t".join(cells))
    return "\n".join(out) + "\n"


def move_hocr(document: str, scan: Scan, image_name: str, dpi: int | None) -> str:
    """Tesseract's hOCR with boxes, baselines and sizes on the input page, naming ``image_name``."""
    import html

    scale = 1.0 if scan.same_geometry else float(np.sqrt(abs(np.linalg.det(scan.to_input[:2, :2]))))

    def bbox(match: re.Match[str]) -> str:
        x0, y0, x1, y1 = map(int, match.groups())
        left, top, width, height = scan.input_box(x0, y0, x1 - x0, y1 - y0)
        return f"bbox {left} {top} {left + width} {top + height}"

    width, height = scan.input_size
    res = dpi or 0
    page = f'image "{html.escape(image_name)}"; bbox 0 0 {width} {height}; ppageno 0; scan_res {res} {res}'
    document = _HOCR_BBOX.sub(bbox, document)
    document = _HOCR_PAGE.sub(lambda _: page, document, count=1)
    document = _HOCR_SIZES.sub(lambda m: f"{m[1]} {float(m[2]) * scale:.6g}", document)
    return _HOCR_BASELINE.sub(lambda m: f"baseline {m[1]} {round(float(m[2]) * scale)}", document)


def move_alto(document: str, scan: Scan, image_name: str) -> str:
    """Tesseract's ALTO with every HPOS/VPOS/WIDTH/HEIGHT on the input page, naming ``image_name``."""
    import html

    def element(match: re.Match[str]) -> str:
        tag = match[0]
        found = {k: int(v) for k, v in re.findall(r'\b(HPOS|VPOS|WIDTH|HEIGHT)="(-?\d+)"', tag)}
        if "HPOS" not in found or "VPOS" not in found:
            return tag
        box = scan.input_box(found["HPOS"], found["VPOS"], found.get("WIDTH", 0), found.get("HEIGHT", 0))
        for name, value in zip(("HPOS", "VPOS", "WIDTH", "HEIGHT"), box, strict=True):
            tag = re.sub(rf'\b{name}="-?\d+"', f'{name}="{value}"', tag)
        return tag

    width, height = scan.input_size
    document = _ALTO_FILE.sub(
        f"<fileName>{html.escape(image_name, quote=False)}</fileName>", document, count=1
    )
    document = _ALTO_PAGE.sub(f'<Page WIDTH="{width}" HEIGHT="{height}"', document, count=1)
    return _ALTO_TAG.sub(element, document)


def page_xml(table: str, width: int, height: int, image_name: str) -> str:
    """A PAGE XML (2019-07-15) document from a TSV in the input's pixels: regions, lines and words,
    each with its box as Coords and its text as TextEquiv."""
    import datetime
    import xml.etree.ElementTree as ET

    root = ET.Element("PcGts", xmlns=PAGE_NS)
    metadata = ET.SubElement(root, "Metadata")
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    for name, text in (("Creator", "ocrprep"), ("Created", now), ("LastChange", now)):
        ET.SubElement(metadata, name).text = text
    page = ET.SubElement(
        root, "Page", imageFilename=image_name, imageWidth=str(width), imageHeight=str(height)
    )
    regions: dict[str, ET.Element] = {}
    lines: dict[str, tuple[ET.Element, list[str]]] = {}
    for cells in (row.split("\t") for row in table.rstrip("\n").split("\n")[1:]):
        if len(cells) < 12:
            continue
        level, (block, par, line, word), text = cells[0], cells[2:6], cells[11].strip()
        key = f"r{block}_p{par}_l{line}"
        if level == "2":
            regions[block] = _with_coords(page, "TextRegion", f"r{block}", cells)
        elif level == "4" and block in regions:
            lines[key] = (_with_coords(regions[block], "TextLine", key, cells), [])
        elif level == "5" and key in lines and text:
            element = _with_coords(lines[key][0], "Word", f"{key}_w{word}", cells)
            _text_equiv(element, text, max(0.0, float(cells[10])) / 100)
            lines[key][1].append(text)
    for element, words in lines.values():
        _text_equiv(element, " ".join(words))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _with_coords(parent: ET.Element, tag: str, name: str, cells: list[str]) -> ET.Element:
    import xml.etree.ElementTree as ET

    element = ET.SubElement(parent, tag, id=name)
    left, top, width, height = (int(v) for v in cells[_TSV_BOX])
    right, bottom = left + width, top + height
    ET.SubElement(element, "Coords", points=f"{left},{top} {right},{top} {right},{bottom} {left},{bottom}")
    return element


def _text_equiv(element: ET.Element, text: str, confidence: float | None = None) -> None:
    import xml.etree.ElementTree as ET

    equiv = ET.SubElement(element, "TextEquiv", {} if confidence is None else {"conf": f"{confidence:.2f}"})
    ET.SubElement(equiv, "Unicode").text = text


def pdf_page(text_layer: bytes, read: Scan, image: np.ndarray, dpi: int | None) -> bytes:
    """A one-page PDF showing ``image`` (on the input page's grid) at ``dpi``, under the engine's
    invisible ``text_layer`` of the ``read`` pixels, moved onto the page by the pipeline's geometry."""
    import pypdfium2 as pdfium
    from PIL import Image

    height, width = image.shape
    points = 72 / (dpi or ASSUMED_DPI)
    document = pdfium.PdfDocument.new()
    page = document.new_page(width * points, height * points)
    picture = pdfium.PdfImage.new(document)
    picture.set_bitmap(pdfium.PdfBitmap.from_pil(Image.fromarray(np.ascontiguousarray(image), "L")))
    picture.set_matrix(pdfium.PdfMatrix().scale(width * points, height * points))
    page.insert_obj(picture)
    layer = pdfium.PdfDocument(text_layer)
    layer_width, layer_height = layer[0].get_size()
    read_height, read_width = read.pixels.shape
    to_pixels = np.array(
        [[read_width / layer_width, 0, 0], [0, -read_height / layer_height, read_height], [0, 0, 1]]
    )
    to_page = np.array([[points, 0, 0], [0, -points, height * points], [0, 0, 1]])
    m = to_page @ read.to_input @ to_pixels
    text = layer.page_as_xobject(0, document).as_pageobject()
    text.set_matrix(pdfium.PdfMatrix(m[0, 0], m[1, 0], m[0, 1], m[1, 1], m[0, 2], m[1, 2]))
    page.insert_obj(text)
    page.gen_content()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def page_document(
    kind: str, text: str, read: Scan, render: Callable[[str], bytes], shown: Scan, name: str,
    dpi: int | None, file_grid: FileGrid | None = None,
) -> bytes:  # fmt: skip
    """One page in format ``kind``, from the ``text`` read off the ``read`` pixels and the engine's
    ``render(format)`` of them; boxes on the input page, a PDF page showing ``shown`` on the input
    page's grid. ``name`` and ``dpi`` are the input file's. A page read smaller than its file
    (``file_grid``) has its boxes on the file's pixels; its PDF page keeps the smaller pixels, at
    the same size on paper."""
    if kind == "txt":
        return text.encode()
    document = render(ENGINE_FORMATS[kind])
    if kind == "pdf":
        return pdf_page(document, read, shown.input_pixels(), dpi)
    if file_grid is not None:
        from .types import Scan

        width, height = read.input_size
        to_file = np.diag((file_grid.width / width, file_grid.height / height, 1.0))
        read = Scan(read.pixels, read.dpi, to_file @ read.to_input, (file_grid.width, file_grid.height))
        dpi = file_grid.dpi
    if kind == "hocr":
        return move_hocr(document.decode(), read, name, dpi).encode()
    if kind == "alto":
        return move_alto(document.decode(), read, name).encode()
    table = move_tsv(document.decode(), read)
    width, height = read.input_size
    return (table if kind == "tsv" else page_xml(table, width, height, name)).encode()


def join(kind: str, documents: Sequence[bytes]) -> bytes:
    """The pages' documents of one input as one document (PAGE XML: one PcGts per page; see JOINERS)."""
    if len(documents) == 1:
        return documents[0]
    return JOINERS[kind](documents)


def _join_txt(documents: Sequence[bytes]) -> bytes:
    return b"\f".join(documents)  # Tesseract's own page separator


def _join_tsv(documents: Sequence[bytes]) -> bytes:
    header, rows = documents[0].decode().split("\n", 1)[0], []
    for number, document in enumerate(documents, 1):
        for row in document.decode().rstrip("\n").split("\n")[1:]:
            cells = row.split("\t")
            cells[1] = str(number)
            rows.append("\t".join(cells))
    return ("\n".join([header, *rows]) + "\n").encode()


def _join_hocr(documents: Sequence[bytes]) -> bytes:
    pages = []
    for number, document in enumerate(documents, 1):
        text = document.decode()
        body = text[text.index("<body>") + len("<body>") : text.index("</body>")]
        body = re.sub(r"id='(page|block|par|line|word)_1(?=[_'])", rf"id='\1_{number}", body)
        pages.append(body.replace("ppageno 0", f"ppageno {number - 1}"))
    first = documents[0].decode()
    head, tail = first[: first.index("<body>") + len("<body>")], first[first.index("</body>") :]
    return (head + "".join(pages) + tail).encode()


def _join_alto(documents: Sequence[bytes]) -> bytes:
    pages = []
    for number, document in enumerate(documents, 1):
        text = document.decode()
        page = text[text.index("<Page ") : text.index("</Layout>")]
        page = re.sub(r'\bID="', f'ID="p{number}_', page)
        pages.append(re.sub(r'PHYSICAL_IMG_NR="\d+"', f'PHYSICAL_IMG_NR="{number}"', page))
    first = documents[0].decode()
    head, tail = first[: first.index("<Page ")], first[first.index("</Layout>") :]
    return (head + "".join(pages) + tail).encode()


def _join_pdf(documents: Sequence[bytes]) -> bytes:
    import pypdfium2 as pdfium

    joined = pdfium.PdfDocument.new()
    for document in documents:
        joined.import_pages(pdfium.PdfDocument(document))
    buffer = io.BytesIO()
    joined.save(buffer)
    return buffer.getvalue()


JOINERS: dict[str, Callable[[Sequence[bytes]], bytes]] = {
    "txt": _join_txt,
    "tsv": _join_tsv,
    "hocr": _join_hocr,
    "alto": _join_alto,
    "pdf": _join_pdf,
}
"""How each format joins pages. PAGE XML holds one page per document, so it has none: a
multi-page input writes one PAGE file per page."""
