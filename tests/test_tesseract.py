"""The built-in Tesseract engine, run for real."""

from __future__ import annotations

import numpy as np
import pytest

import ocrprep
from ocrprep.builtin.tesseract import tesseract_config, words_to_recognition
from ocrprep.errors import EngineMissingError
from ocrprep.hookspecs import RecognizeOptions


def test_reads_text_with_confidence_and_word_boxes(text_image):
    image = text_image("Invoice 1,234.56", size=40)
    result = ocrprep.recognize(image, dpi=300)
    assert result.text == "Invoice 1,234.56"
    assert result.engine == "tesseract" and result.confidence is not None and result.confidence > 80
    assert [w.text for w in result.words] == ["Invoice", "1,234.56"]
    first, second = result.words
    assert first.left < second.left and first.width > 0 and first.height > 0


def test_digits_mode_reads_one_line_of_digits_only(text_image):
    image = text_image("2024-03-15", size=40)
    assert ocrprep.recognize(image, RecognizeOptions(digits=True), dpi=300).text == "2024-03-15"


def test_blank_page_has_no_text_and_no_confidence():
    result = ocrprep.recognize(np.full((50, 200), 255, np.uint8))
    assert result.text == "" and result.confidence is None and result.words == ()


def test_config_passes_dpi_psm_and_variables_as_separate_arguments():
    options = RecognizeOptions(digits=True, oem=1, variables={"x": "a b;c"})
    assert tesseract_config(300, options) == (
        "--psm 7 --oem 1 --dpi 300 -c 'x=a b;c' -c tessedit_char_whitelist=0123456789.,-/:"
    )
    assert tesseract_config(None, RecognizeOptions(psm=6)) == "--psm 6"


def test_words_join_into_lines_and_blocks():
    data = {
        "text": ["", "a", "b", "c", "d"],
        "conf": [-1, 90, 80, 70, 60],
        "block_num": [1, 1, 1, 1, 2],
        "par_num": [1, 1, 1, 1, 1],
        "line_num": [1, 1, 1, 2, 1],
        **{key: [0, 1, 2, 3, 4] for key in ("left", "top", "width", "height")},
    }
    result = words_to_recognition(data)
    assert result.text == "a b\nc\n\nd"
    assert result.confidence == pytest.approx(75)


def test_missing_tesseract_fails_with_an_install_hint(monkeypatch, text_image):
    monkeypatch.setenv("TESSERACT_CMD", "/nonexistent/tesseract")
    with pytest.raises(EngineMissingError, match=r"Tesseract not found.*apt-get install tesseract-ocr"):
        ocrprep.recognize(text_image("1"))


def test_missing_language_data_names_the_package(text_image):
    with pytest.raises(EngineMissingError, match=r"no language data for xyz.*tesseract-ocr-xyz"):
        ocrprep.recognize(text_image("1"), RecognizeOptions(lang="xyz"))
