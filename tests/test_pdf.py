"""PDF input, page by page, and a searchable PDF out of Tesseract's renderer."""

from __future__ import annotations

import io
import json
import struct

import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont, ImageOps

from .conftest import PLUGINS, render_text

TEXTS = ("Invoice 4711", "Total 12.50", "Paid 2024-03-15")


def _three_page_pdf(folder):
    pages = [Image.fromarray(render_text(text, size=40)) for text in TEXTS]
    pages[0].save(folder / "doc.pdf", save_all=True, append_images=pages[1:], resolution=300)
    for number, text in enumerate(TEXTS, 1):
        (folder / f"doc.{number}.gt.txt").write_text(text)
    return folder / "doc.pdf"


def test_compare_reads_every_pdf_page_with_its_own_truth(ocrprep_cli, tmp_path):
    pdf = _three_page_pdf(tmp_path)
    result = ocrprep_cli(
        "compare", pdf, "--pipeline", "none", "--json", tmp_path / "r.json", "--pdf-dpi", "300"
    )
    assert result.returncode == 0, result.stderr
    files = json.loads((tmp_path / "r.json").read_text())["files"]
    assert [f["path"] for f in files] == [f"{pdf}[{n}]" for n in (1, 2, 3)]
    assert [f["truth"] for f in files] == list(TEXTS)
    assert all(f["before"]["cer"] == 0.0 for f in files)


def test_ocr_writes_one_searchable_pdf_of_the_cleaned_pages(ocrprep_cli, tmp_path):
    pdf = _three_page_pdf(tmp_path)
    out = tmp_path / "searchable.pdf"
    result = ocrprep_cli("ocr", pdf, "--clean", "--pipeline", "threshold(method=otsu)", "--pdf", out)
    assert result.returncode == 0, result.stderr
    document = pdfium.PdfDocument(out)
    texts = [document[i].get_textpage().get_text_range().strip() for i in range(len(document))]
    document.close()
    assert texts == list(TEXTS)


def test_pdf_output_needs_an_engine_that_renders_pdf(ocrprep_cli, tmp_path):
    result = ocrprep_cli(
        "ocr", _three_page_pdf(tmp_path), "--pdf", tmp_path / "x.pdf",
        "--engine", "oneline", "--plugin", PLUGINS / "extra_plugin.py",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == "Error: engine oneline cannot write pdf output; engines that can: tesseract\n"
    assert not (tmp_path / "x.pdf").exists()


def test_a_broken_pdf_is_one_clear_error(ocrprep_cli, tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 truncated")
    result = ocrprep_cli("ocr", tmp_path / "bad.pdf")
    assert (
        result.returncode == 3
        and "cannot read as a PDF" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_a_giant_page_is_rendered_within_the_memory_budget_and_read(ocrprep_cli, tmp_path):
    """A 116-inch square page: 35,000 px a side at 300 DPI, 1.2 GB of gray before any cleanup."""
    poster = Image.new("L", (1200, 1200), 255)
    ImageDraw.Draw(poster).text(
        (100, 500), "Poster 4711 printed", font=ImageFont.load_default(size=40), fill=0
    )
    poster.save(tmp_path / "giant.pdf", resolution=1200 / (35_000 / 300))
    result = ocrprep_cli("ocr", tmp_path / "giant.pdf", "--max-memory", "1GiB", "--verbose")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Poster 4711 printed"
    budget_dpi = int(72 * (2**30 / 24) ** 0.5 / 8400)  # 24 bytes a pixel in 1 GiB, on 8,400 pt a side
    assert (
        f"Warning: {tmp_path / 'giant.pdf'}: the page would be 1225 Mpx at 300 DPI, more than the memory "
        f"budget allows (--max-memory); rendered at {budget_dpi} DPI"
    ) in result.stderr.splitlines()
    assert f"dpi {budget_dpi}," in result.stderr


def test_a_bad_memory_size_is_a_usage_error(ocrprep_cli, tmp_path):
    result = ocrprep_cli("ocr", tmp_path / "x.png", "--max-memory", "lots")
    assert result.returncode == 2
    assert "'lots' is not a size; write e.g. 3GiB, 500MB or 2G" in result.stderr


def _image_page(pdf: pikepdf.Pdf, image: Image.Image, rotate: int = 0) -> None:
    """Append a page showing ``image`` at 300 DPI, the way Pillow writes it (DCT, CCITT, CMYK ...)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=300)
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as single:
        pdf.pages.extend(single.pages)
    if rotate:
        pdf.pages[-1].rotate(rotate, relative=False)


def _jbig2_page(pdf: pikepdf.Pdf, image: Image.Image) -> None:
    """Append a page showing ``image`` bilevel as a JBIG2 image, the way scanners' PDFs often hold it.

    No JBIG2 encoder is packaged here, so the stream is put together by hand: a page information
    segment and one immediate generic region coded with MMR (ITU T.88 6.2.6), which is CCITT G4's
    coding. The G4 data is Pillow's, of the inverted image: in JBIG2 a 1 is black.
    """
    _image_page(pdf, image.convert("1"))
    inverted = io.BytesIO()
    ImageOps.invert(image.convert("L")).convert("1").save(inverted, format="PDF", resolution=300)
    with pikepdf.open(io.BytesIO(inverted.getvalue())) as negative:
        mmr = next(iter(negative.pages[0].get_images().values())).read_raw_bytes()
    shown = next(iter(pdf.pages[-1].get_images().values()))
    size = struct.pack(">II", int(shown.Width), int(shown.Height))

    def segment(number: int, kind: int, data: bytes) -> bytes:  # header: no referred segments, page 1
        return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data

    page_information = size + struct.pack(">IIBH", 0, 0, 0, 0)
    generic_region = size + struct.pack(">IIB", 0, 0, 0) + b"\x01" + mmr  # flags: MMR
    shown.write(
        segment(0, 48, page_information) + segment(1, 38, generic_region), filter=pikepdf.Name.JBIG2Decode
    )


def _vector_page(pdf: pikepdf.Pdf, text: str) -> None:
    """Append a page whose text is drawn in Helvetica, with no image at all."""
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))  # fmt: skip
    page = pdf.add_blank_page(page_size=(300, 80))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(f"BT /F1 28 Tf 20 30 Td ({text}) Tj ET".encode())


def test_odd_pdfs_each_read_as_a_user_expects(ocrprep_cli, tmp_path):
    """CMYK, palette, CCITT and JBIG2 bilevel images, a /Rotate page, two images on a page, a vector-only
    page, a blank page and an odd MediaBox, in one PDF; then encrypted and page-less ones."""
    line = Image.fromarray(render_text("Invoice 4711", size=40))
    pdf = pikepdf.new()
    _image_page(pdf, line.convert("CMYK"))
    _image_page(pdf, line.convert("P"))
    _image_page(pdf, line.convert("1"))  # Pillow writes bilevel images with CCITT G4 compression
    _jbig2_page(pdf, line)
    _image_page(pdf, line.rotate(90, expand=True), rotate=90)  # shown upright by the page's /Rotate
    pair = Image.new("L", (line.width * 2 + 40, line.height), 255)
    pair.paste(line, (0, 0))
    pair.paste(Image.fromarray(render_text("paid", size=40)), (line.width + 40, 0))
    _image_page(pdf, pair)
    _vector_page(pdf, "Vector 4711")
    pdf.add_blank_page(page_size=(200, 100))
    _vector_page(pdf, "Moved 4711")
    pdf.pages[-1].MediaBox = [-500, -300, -200, -220]  # origin far off zero
    pdf.pages[-1].Contents = pdf.make_stream(b"BT /F1 28 Tf -480 -270 Td (Moved 4711) Tj ET")
    pdf.save(tmp_path / "odd.pdf")
    result = ocrprep_cli("ocr", tmp_path / "odd.pdf", "--psm", "6", "-o", tmp_path / "odd.txt")
    assert result.returncode == 0, result.stderr
    pages = [text.strip() for text in (tmp_path / "odd.txt").read_text().split("\f")]
    assert pages == ["Invoice 4711"] * 5 + ["Invoice 4711 paid", "Vector 4711", "", "Moved 4711"]

    locked = tmp_path / "locked.pdf"
    pdf.save(locked, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    refused = ocrprep_cli("ocr", locked)
    assert refused.returncode == 3
    assert (
        refused.stderr.splitlines()[0]
        == f"Error: {locked}: is encrypted; give its password with --pdf-password"
    )
    wrong = ocrprep_cli("ocr", locked, "--pdf-password", "guess")
    assert "is encrypted, and the --pdf-password given does not open it" in wrong.stderr
    opened = ocrprep_cli("ocr", locked, "--pdf-password", "secret", "--psm", "6", "-o", tmp_path / "l.txt")
    assert opened.returncode == 0 and (tmp_path / "l.txt").read_text() == (tmp_path / "odd.txt").read_text()

    empty = tmp_path / "empty.pdf"
    pikepdf.new().save(empty)
    none = ocrprep_cli("ocr", empty)
    assert none.returncode == 3 and none.stderr.splitlines()[0].startswith(f"Error: {empty}: ")
