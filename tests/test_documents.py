"""`ocr --format`: Tesseract's TSV, hOCR and ALTO, PAGE XML and searchable PDFs, with boxes on the
input page whatever the pipeline did, multi-page inputs as one document."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

import ocrprep
from ocrprep.documents import FORMATS, PAGE_NS

from .conftest import render_text, save

RESCALE = "grayscale | rescale(factor=2)"
"""A pipeline that changes the geometry: every box Tesseract writes is in pixels twice as large."""
ALTO_NS = "{http://www.loc.gov/standards/alto/ns-v3#}"
XHTML_NS = "{http://www.w3.org/1999/xhtml}"


def _two_lines():
    """Two lines of text, one above the other, on one white page."""
    lines = [render_text("Invoice 4711 paid", size=40), render_text("Total 12.50 EUR", size=40)]
    width = max(line.shape[1] for line in lines)
    return np.vstack(
        [np.pad(line, ((0, 0), (0, width - line.shape[1])), constant_values=255) for line in lines]
    )


@pytest.fixture
def page(tmp_path):
    return save(tmp_path / "page.png", _two_lines())


def _words(path, pipeline):
    """The recognised words with their boxes on the input page, as the API reads them."""
    words = ocrprep.recognize(path, pipeline=pipeline).words
    return [(w.text, w.left, w.top, w.width, w.height) for w in words]


def _write(ocrprep_cli, path, kind, out, *extra, pipeline=RESCALE):
    result = ocrprep_cli("ocr", path, "--clean", "--pipeline", pipeline, "--format", kind, "-o", out, *extra)
    assert result.returncode == 0, result.stderr
    return out


def test_tsv_boxes_are_on_the_input_page_after_a_rescale(ocrprep_cli, page, tmp_path):
    table = _write(ocrprep_cli, page, "tsv", tmp_path / "out.tsv").read_text().splitlines()
    rows = [row.split("\t") for row in table[1:]]
    words = [(r[11], *map(int, r[6:10])) for r in rows if r[0] == "5" and r[11].strip()]
    assert words == _words(page, RESCALE)
    height, width = np.asarray(Image.open(page)).shape
    assert [int(v) for v in rows[0][6:10]] == [0, 0, width, height]


def test_hocr_is_well_formed_nested_and_on_the_input_page(ocrprep_cli, page, tmp_path):
    root = ET.parse(_write(ocrprep_cli, page, "hocr", tmp_path / "out.hocr")).getroot()
    classes = {e.get("class"): e for e in root.iter() if e.get("class")}
    assert {"ocr_page", "ocr_carea", "ocr_par", "ocr_line", "ocrx_word"} <= set(classes)
    for parent, child in (("ocr_page", "ocr_carea"), ("ocr_carea", "ocr_par"), ("ocr_line", "ocrx_word")):
        assert any(e.get("class") == child for e in classes[parent].iter())
    words = []
    for element in root.iter(f"{XHTML_NS}span"):
        if element.get("class") == "ocrx_word":
            x0, y0, x1, y1 = map(
                int, re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", element.get("title")).groups()
            )
            words.append((element.text, x0, y0, x1 - x0, y1 - y0))
    assert words == _words(page, RESCALE)
    title = classes["ocr_page"].get("title")
    assert f'image "{page}"' in title and "scan_res 300 300" in title


def test_alto_and_page_xml_carry_the_same_words_and_boxes(ocrprep_cli, page, tmp_path):
    expected = _words(page, RESCALE)
    alto = ET.parse(_write(ocrprep_cli, page, "alto", tmp_path / "out.xml")).getroot()
    strings = [
        (s.get("CONTENT"), *(int(s.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")))
        for s in alto.iter(f"{ALTO_NS}String")
    ]
    assert strings == expected
    assert alto.find(f"{ALTO_NS}Description/{ALTO_NS}sourceImageInformation/{ALTO_NS}fileName").text == str(
        page
    )
    layout_page = alto.find(f"{ALTO_NS}Layout/{ALTO_NS}Page")
    height, width = np.asarray(Image.open(page)).shape
    assert (layout_page.get("WIDTH"), layout_page.get("HEIGHT")) == (str(width), str(height))

    ns = {"p": PAGE_NS}
    root = ET.parse(_write(ocrprep_cli, page, "page", tmp_path / "out.page.xml")).getroot()
    assert root.tag == f"{{{PAGE_NS}}}PcGts"
    assert [c.tag.split("}")[1] for c in root] == ["Metadata", "Page"]
    words = []
    for word in root.iterfind(".//p:TextRegion/p:TextLine/p:Word", ns):
        points = [tuple(map(int, p.split(","))) for p in word.find("p:Coords", ns).get("points").split()]
        (x0, y0), (x1, y1) = points[0], points[2]
        words.append((word.find("p:TextEquiv/p:Unicode", ns).text, x0, y0, x1 - x0, y1 - y0))
    assert words == expected
    lines = root.findall(".//p:TextLine", ns)
    assert [line.find("p:TextEquiv/p:Unicode", ns).text for line in lines] == [
        "Invoice 4711 paid",
        "Total 12.50 EUR",
    ]


def _pdf(folder):
    texts = ("Invoice 4711", "Total 12.50", "Paid 2024-03-15")
    pages = [Image.fromarray(render_text(text, size=40)) for text in texts]
    pages[0].save(folder / "doc.pdf", save_all=True, append_images=pages[1:], resolution=300)
    return folder / "doc.pdf"


def test_a_multi_page_input_gives_one_document_in_each_format(ocrprep_cli, tmp_path):
    pdf, out = _pdf(tmp_path), tmp_path / "out"
    for kind, suffix in FORMATS.items():
        result = ocrprep_cli("ocr", pdf, "--format", kind, "-o", out / f"doc{suffix}", "--pdf-dpi", "300")
        assert result.returncode == 0, result.stderr
    assert (out / "doc.txt").read_text().split("\f") == ["Invoice 4711", "Total 12.50", "Paid 2024-03-15"]
    rows = [r.split("\t") for r in (out / "doc.tsv").read_text().splitlines()[1:]]
    assert sorted({r[1] for r in rows}) == ["1", "2", "3"]
    assert len(pdfium.PdfDocument(out / "doc.pdf")) == 3
    hocr = ET.parse(out / "doc.hocr").getroot()
    pages = [e for e in hocr.iter() if e.get("class") == "ocr_page"]
    assert [p.get("id") for p in pages] == ["page_1", "page_2", "page_3"]
    ids = [e.get("id") for e in hocr.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    alto = ET.parse(out / "doc.alto.xml").getroot()
    assert len(alto.findall(f"{ALTO_NS}Layout/{ALTO_NS}Page")) == 3
    ids = [e.get("ID") for e in alto.iter() if e.get("ID")]
    assert len(ids) == len(set(ids))
    assert sorted(p.name for p in out.glob("*.page.xml")) == [
        "doc.1.page.xml",
        "doc.2.page.xml",
        "doc.3.page.xml",
    ]


def test_without_output_one_input_writes_its_document_to_stdout_and_several_need_a_folder(
    ocrprep_cli, page, tmp_path
):
    result = ocrprep_cli("ocr", page, "--format", "alto")
    assert result.returncode == 0 and ET.fromstring(result.stdout).tag == f"{ALTO_NS}alto"
    result = ocrprep_cli("ocr", page, page, "--format", "alto")
    assert result.returncode == 2
    assert result.stderr == "Error: --format alto for several inputs needs -o FOLDER\n"


def _rendered(pdf_path):
    page = pdfium.PdfDocument(pdf_path)[0]
    return np.asarray(page.render(scale=300 / 72, grayscale=True).to_pil().convert("L")), page


@pytest.mark.parametrize("shown", ["original", "cleaned"])
def test_a_searchable_pdf_shows_the_chosen_image_with_the_text_layer_on_the_words(
    ocrprep_cli, tmp_path, shown
):
    rng = np.random.default_rng(3)
    image = _two_lines()
    image[rng.random(image.shape) < 0.01] = 0  # pepper the cleanup takes away
    path = save(tmp_path / "specks.png", image)
    pipeline = f"{RESCALE} | remove-specks(min_size=8)"
    out = tmp_path / "out.pdf"
    _write(ocrprep_cli, path, "pdf", out, "--pdf-image", shown, pipeline=pipeline)
    pixels, page = _rendered(out)
    cleaned = ocrprep.clean(path, pipeline="remove-specks(min_size=8)")
    assert abs(pixels.shape[0] - image.shape[0]) <= 1 and abs(pixels.shape[1] - image.shape[1]) <= 1
    height, width = min(pixels.shape[0], image.shape[0]), min(pixels.shape[1], image.shape[1])
    removed = (image[:height, :width] == 0) & (cleaned[:height, :width] == 255)
    assert removed.sum() > 100
    # The page renders a pixel wider or narrower, so a speck may sit one pixel off: look around it.
    around = np.ones((3, 3), np.uint8)
    darkest, lightest = cv2.erode(pixels, around), cv2.dilate(pixels, around)
    if shown == "original":
        assert np.mean(darkest[:height, :width][removed] < 128) > 0.9
    else:
        assert np.mean(lightest[:height, :width][removed] < 128) < 0.1

    words = ocrprep.recognize(path, pipeline=pipeline).words
    text = page.get_textpage()
    found = text.get_text_range().split()
    assert found == [w.text for w in words]
    scale = 72 / 300
    for word in words:
        bounded = text.get_text_bounded(
            left=word.left * scale,
            right=(word.left + word.width) * scale,
            bottom=page.get_height() - (word.top + word.height) * scale,
            top=page.get_height() - word.top * scale,
        )
        assert word.text in bounded


def test_a_page_wider_than_tesseract_reads_is_shrunk_for_it_and_its_boxes_map_back(ocrprep_cli, tmp_path):
    line = render_text("Invoice 4711 paid", size=40)
    wide = np.full((line.shape[0], 33_000), 255, np.uint8)  # Tesseract reads at most 32,767 px a side
    wide[:, 32_000 : 32_000 + line.shape[1]] = line
    path = save(tmp_path / "wide.png", wide)
    result = ocrprep_cli("ocr", path, "--format", "tsv", "-o", tmp_path / "wide.tsv")
    assert result.returncode == 0, result.stderr
    height = round(line.shape[0] * 32767 / 33000)
    dpi = round(300 * np.sqrt(32767 / 33000 * height / line.shape[0]))  # lengths shrink by the area's root
    assert result.stderr == (
        f"Warning: a 33000x{line.shape[0]} px page is larger than engine tesseract reads (32767 px a side); "
        f"it reads it at 32767x{height} px, {dpi} DPI\n"
    )
    rows = [r.split("\t") for r in (tmp_path / "wide.tsv").read_text().splitlines()[1:]]
    words = {r[11]: int(r[6]) for r in rows if r[0] == "5" and r[11].strip()}
    assert list(words) == ["Invoice", "4711", "paid"]
    assert abs(words["Invoice"] - 32_000 - 20) <= 6  # render_text leaves a 20 px margin
    assert [int(v) for v in rows[0][6:10]] == [0, 0, 33_000, line.shape[0]]


def _tsv_words(table):
    """The page's box and the words with their boxes, from a TSV file."""
    rows = [row.split("\t") for row in table.read_text().splitlines()[1:]]
    words = [(r[11], *map(int, r[6:10])) for r in rows if r[0] == "5" and r[11].strip()]
    return [int(v) for v in rows[0][6:10]], words


def test_a_page_read_smaller_for_the_memory_budget_has_its_boxes_on_the_file(ocrprep_cli, page, tmp_path):
    height, width = np.asarray(Image.open(page)).shape
    budget = ("--max-memory", str(24 * (width * height) // 4))  # room for a quarter: read at half the size
    page_box, words = _tsv_words(
        _write(ocrprep_cli, page, "tsv", tmp_path / "full.tsv", pipeline="grayscale")
    )
    small_box, small_words = _tsv_words(
        _write(ocrprep_cli, page, "tsv", tmp_path / "small.tsv", *budget, pipeline="grayscale")
    )
    assert page_box == small_box == [0, 0, width, height]
    assert [w[0] for w in small_words] == [w[0] for w in words]
    assert all(abs(a - b) <= 4 for small, full in zip(small_words, words, strict=True)
               for a, b in zip(small[1:], full[1:], strict=True)), (small_words, words)  # fmt: skip
    hocr = _write(ocrprep_cli, page, "hocr", tmp_path / "small.hocr", *budget, pipeline="grayscale")
    assert "scan_res 300 300" in hocr.read_text()
