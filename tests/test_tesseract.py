"""The built-in Tesseract engine, run for real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import ocrprep
from ocrprep import Recognition, RecognizeOptions, Word
from ocrprep.builtin.tesseract import (
    DOUBTFUL,
    SINGLE_WORD_PSM,
    alto,
    hocr,
    read,
    recognize_engines,
    tesseract_config,
    text_layer_pdf,
    tsv,
)
from ocrprep.errors import EngineMissingError
from ocrprep.types import DIGIT_CHARACTERS


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


def test_digits_mode_drops_the_separators_a_field_is_read_ending_with(text_image):
    image = np.pad(text_image("2020-07-11", size=40), ((0, 0), (0, 30)), constant_values=255)
    image[38:44, -24:-18] = 0  # a speck after the last digit, on the baseline
    whitelist = {"tessedit_char_whitelist": DIGIT_CHARACTERS}
    raw = ocrprep.recognize(image, RecognizeOptions(psm=7, variables=whitelist), dpi=300)
    assert raw.text.rstrip() != "2020-07-11" and raw.text.startswith("2020-07-11"), (
        "Tesseract reads the speck"
    )
    field = ocrprep.recognize(image, RecognizeOptions(digits=True), dpi=300)
    assert field.text == "2020-07-11" and [w.text for w in field.words] == ["2020-07-11"]


def test_a_field_keeps_its_inner_separators_and_loses_trailing_ones_word_by_word():
    words = (Word("-12.50", 90, 0, 0, 10, 5), Word("kg:", 80, 12, 0, 5, 5), Word(".", 30, 18, 0, 1, 1))
    field = Recognition("-12.50 kg: .", 67.0, words, "fake").field()
    assert field.text == "-12.50 kg" and [w.text for w in field.words] == ["-12.50", "kg"]
    assert field.confidence == 67.0 and field.words[1].left == 12
    assert Recognition(".:", 10.0, (Word(".:", 10, 0, 0, 2, 2),), "fake").field().words == ()


def test_a_doubtful_digit_line_is_read_again_as_one_word_and_the_surer_read_kept(monkeypatch, text_image):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "bench"))
    from families import FAMILIES  # distorted digit captchas: many read doubtfully as a line

    captchas = next(f for f in FAMILIES if f.name == "digit-captcha").generate("dev", 8)
    clean = text_image("2024-03-15 12:30", size=40)
    line_options, word_options = RecognizeOptions(digits=True, psm=7), RecognizeOptions(digits=True, psm=8)
    second_reads = switches = 0
    for name, image, dpi in [("clean", clean, 300), *((s.name, s.image, s.dpi) for s in captchas)]:
        line, word = (read(image, dpi, o) for o in (line_options, word_options))
        chosen = read(image, dpi, RecognizeOptions(digits=True))
        if line.confidence is not None and line.confidence >= DOUBTFUL:
            assert chosen == line, name
            continue
        second_reads += 1
        better = word if (word.confidence or -1) > (line.confidence or -1) else line
        assert chosen == better, name
        switches += chosen == word != line
    assert second_reads == len(captchas), "the clean line is sure, the captchas are not"
    assert switches, "one word was the surer read of some captcha"
    assert SINGLE_WORD_PSM == 8


def test_blank_page_has_no_text_and_no_confidence():
    result = ocrprep.recognize(np.full((50, 200), 255, np.uint8))
    assert result.text == "" and result.confidence is None and result.words == ()


def test_config_passes_dpi_psm_and_variables_as_separate_arguments():
    options = RecognizeOptions(digits=True, oem=1, variables={"x": "a b;c"})
    assert tesseract_config(300, options) == (
        "--psm 7 --oem 1 --dpi 300 -c 'x=a b;c' -c 'tessedit_char_whitelist=0123456789.,-/: '"
    )
    assert tesseract_config(None, RecognizeOptions(psm=6)) == "--psm 6"


def test_options_say_the_segmentation_and_the_variables_every_engine_uses():
    assert RecognizeOptions().segmentation() is None and RecognizeOptions().segmentation(3) == 3
    assert RecognizeOptions(digits=True).segmentation(3) == 7
    assert RecognizeOptions(digits=True, psm=6).segmentation(3) == 6
    assert RecognizeOptions(digits=True).engine_variables() == {"tessedit_char_whitelist": DIGIT_CHARACTERS}
    own = {"tessedit_char_whitelist": "01"}
    assert RecognizeOptions(digits=True, variables=own).engine_variables() == own
    assert RecognizeOptions(variables={"x": "1"}).engine_variables() == {"x": "1"}


def test_the_engine_reads_and_writes_pdf_hocr_alto_and_tsv(text_image):
    (engine,) = recognize_engines()
    assert (engine.name, engine.read) == ("tesseract", read)
    assert engine.renders == {"pdf": text_layer_pdf, "hocr": hocr, "alto": alto, "tsv": tsv}
    image = text_image("4711", size=40)
    assert engine.read(image, 300, RecognizeOptions()).text == "4711"
    documents = {kind: render(image, 300, RecognizeOptions()) for kind, render in engine.renders.items()}
    assert all(isinstance(document, bytes) for document in documents.values())
    assert documents["pdf"].startswith(b"%PDF")
    assert all(b"4711" in documents[kind] for kind in ("hocr", "alto", "tsv"))
    assert documents["tsv"].split(b"\n", 1)[0].split(b"\t")[6:10] == [b"left", b"top", b"width", b"height"]


def test_words_join_into_lines_and_blocks():
    data = {
        "text": ["", "a", "b", "c", "d"],
        "conf": [-1, 90, 80, 70, 60],
        "block_num": [1, 1, 1, 1, 2],
        "par_num": [1, 1, 1, 1, 1],
        "line_num": [1, 1, 1, 2, 1],
        **{key: [0, 1, 2, 3, 4] for key in ("left", "top", "width", "height")},
    }
    result = Recognition.from_words(data, "tesseract")
    assert result.text == "a b\nc\n\nd"
    assert result.confidence == pytest.approx(75)
    assert result.engine == "tesseract"
    confidences = (90, 80, 70, 60)
    assert result.words == tuple(
        Word(t, c, i, i, i, i) for i, (t, c) in enumerate(zip("abcd", confidences, strict=True), 1)
    )


def test_no_words_means_no_text_and_no_confidence():
    columns = ("text", "conf", "block_num", "par_num", "line_num", "left", "top", "width", "height")
    data = {key: [] for key in columns}
    assert Recognition.from_words(data, "x") == Recognition("", None, (), "x")


def test_missing_tesseract_fails_with_an_install_hint(monkeypatch, text_image):
    monkeypatch.setenv("TESSERACT_CMD", "/nonexistent/tesseract")
    with pytest.raises(EngineMissingError, match=r"Tesseract not found.*apt-get install tesseract-ocr"):
        ocrprep.recognize(text_image("1"))


def test_missing_language_data_names_the_package(text_image):
    with pytest.raises(EngineMissingError, match=r"no language data for xyz.*tesseract-ocr-xyz"):
        ocrprep.recognize(text_image("1"), RecognizeOptions(lang="xyz"))
