"""``ocrprep.tesseract``, the pytesseract drop-in: same signatures and outputs as pytesseract with
``pipeline="none"``, cleaner reads with the default, boxes on the caller's image after a rescale."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pypdfium2 as pdfium
import pytesseract
import pytest
from PIL import Image

from ocrprep import tesseract as dropin
from ocrprep.metrics import cer

from .conftest import render_text, save

FUNCTIONS = (
    "image_to_string",
    "image_to_data",
    "image_to_boxes",
    "image_to_pdf_or_hocr",
    "image_to_alto_xml",
)
TEXT = "Invoice 4711"


def _temp_names(document: bytes) -> bytes:
    """pytesseract names its temporary input file in hOCR and ALTO; that name differs per call."""
    return re.sub(rb"/tmp/tess_\w+", b"TEMP", document)


@pytest.fixture(params=["path", "pil", "array"])
def image(request, tmp_path):
    pixels = render_text(TEXT, size=40)
    path = save(tmp_path / "line.png", pixels, dpi=300)
    with Image.open(path) as opened:
        pil = opened.copy()
    return {"path": str(path), "pil": pil, "array": pixels}[request.param]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_has_pytesseracts_signature_plus_a_pipeline(name):
    ours, theirs = inspect.signature(getattr(dropin, name)), inspect.signature(getattr(pytesseract, name))
    assert list(ours.parameters)[:-1] == list(theirs.parameters)
    assert [p.default for p in ours.parameters.values()][:-1] == [
        p.default for p in theirs.parameters.values()
    ]
    assert ours.parameters["pipeline"].default == "auto"


def test_with_no_pipeline_the_outputs_are_pytesseracts(image):
    kept = {"pipeline": "none"}
    assert dropin.image_to_string(image, **kept) == pytesseract.image_to_string(image)
    assert dropin.image_to_data(image, **kept) == pytesseract.image_to_data(image)
    assert dropin.image_to_data(image, output_type=dropin.Output.DICT, **kept) == pytesseract.image_to_data(
        image, output_type=pytesseract.Output.DICT
    )
    assert dropin.image_to_boxes(image, config="--psm 7", **kept) == pytesseract.image_to_boxes(
        image, config="--psm 7"
    )
    hocr = dropin.image_to_pdf_or_hocr(image, extension="hocr", **kept)
    assert _temp_names(hocr) == _temp_names(pytesseract.image_to_pdf_or_hocr(image, extension="hocr"))
    alto = dropin.image_to_alto_xml(image, **kept)
    assert _temp_names(alto) == _temp_names(pytesseract.image_to_alto_xml(image))
    ours, theirs = dropin.image_to_pdf_or_hocr(image, **kept), pytesseract.image_to_pdf_or_hocr(image)
    assert _pdf_text(ours) == _pdf_text(theirs) and TEXT in _pdf_text(ours)
    assert dropin.get_tesseract_version() == pytesseract.get_tesseract_version()
    assert dropin.pytesseract is pytesseract.pytesseract  # tesseract_cmd is set where it always was


def _pdf_text(document: bytes) -> str:
    return pdfium.PdfDocument(document)[0].get_textpage().get_text_range().strip()


def test_by_default_the_image_is_cleaned_before_tesseract_reads_it(tmp_path):
    rng = np.random.default_rng(7)
    pixels = render_text("Total 1,234.56 EUR", size=40)
    pixels[rng.random(pixels.shape) < 0.06] = 0  # pepper over which Tesseract finds no text at all
    with Image.open(save(tmp_path / "specks.png", pixels, dpi=300)) as page:
        plain, cleaned = pytesseract.image_to_string(page), dropin.image_to_string(page)
        pdf = dropin.image_to_pdf_or_hocr(page)
    assert cer("Total 1,234.56 EUR", cleaned.strip()) < cer("Total 1,234.56 EUR", plain.strip()) - 0.5
    assert "1,234.56" in _pdf_text(pdf)


def test_after_a_rescale_the_boxes_are_on_the_callers_image(tmp_path):
    path = str(save(tmp_path / "line.png", render_text(TEXT, size=40), dpi=300))
    height, width = render_text(TEXT, size=40).shape
    same = dropin.image_to_data(path, output_type=dropin.Output.DICT, pipeline="grayscale")
    doubled = dropin.image_to_data(
        path, output_type=dropin.Output.DICT, pipeline="grayscale | rescale(factor=2)"
    )
    assert doubled["width"][0] == width and doubled["height"][0] == height
    words = [i for i, text in enumerate(same["text"]) if text.strip()]
    assert [doubled["text"][i] for i in words] == TEXT.split()
    for key in ("left", "top", "width", "height"):
        assert all(abs(doubled[key][i] - same[key][i]) <= 3 for i in words), key

    boxes = dropin.image_to_boxes(path, config="--psm 7", pipeline="grayscale | rescale(factor=2)")
    reference = dropin.image_to_boxes(path, config="--psm 7", pipeline="grayscale")
    rows = [line.split() for line in boxes.splitlines()]
    expected = [line.split() for line in reference.splitlines()]
    assert [r[0] for r in rows] == [r[0] for r in expected]
    # Tesseract cuts a glyph or two differently at twice the size; the rest agree within 3 px.
    close = [all(abs(int(a) - int(b)) <= 3 for a, b in zip(r[1:5], e[1:5], strict=True))
             for r, e in zip(rows, expected, strict=True)]  # fmt: skip
    assert sum(close) >= 0.8 * len(rows)
    assert all(0 <= int(r[1]) <= int(r[3]) <= width and 0 <= int(r[2]) <= int(r[4]) <= height for r in rows)
