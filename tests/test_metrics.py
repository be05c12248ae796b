"""Normalisation and error rates, against hand-computed cases."""

from __future__ import annotations

import pytest

from ocrprep.metrics import cer, normalize, pooled_cer


def test_normalize_composes_unicode_and_collapses_whitespace():
    assert normalize("  e\u0301te\u0301\n\t 12  ") == "\u00e9t\u00e9 12"
    assert normalize("ABC", ignore_case=True) == "abc"


def test_cer_counts_edits_per_truth_character():
    assert cer("1,234.56", "123456") == pytest.approx(2 / 8)
    assert cer("abc", "abc") == 0.0
    assert cer("ab", "xyzw") == pytest.approx(4 / 2)


def test_combining_characters_count_once_after_nfc():
    assert cer("caf\u00e9", "cafe\u0301") == 0.0


def test_empty_truth_does_not_divide_by_zero():
    assert cer("", "") == 0.0
    assert cer("", "noise") == 1.0


def test_pooled_cer_weights_by_characters_not_files():
    pairs = [("a", "b"), ("abcdefghij", "abcdefghij")]
    assert pooled_cer(pairs) == pytest.approx(1 / 11)
    assert pooled_cer([]) is None
