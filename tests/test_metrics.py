"""Normalisation, error rates, breakdown, alignment and the bootstrap, against hand-computed cases."""

from __future__ import annotations

import pytest

from ocrprep.metrics import (
    TextOptions,
    align,
    bootstrap_cer_change,
    cer,
    normalize,
    pooled,
    score,
    show_confusion,
)


def test_normalize_composes_unicode_and_collapses_whitespace():
    assert normalize("  e\u0301te\u0301\n\t 12  ") == "\u00e9t\u00e9 12"
    assert normalize("ABC", TextOptions(ignore_case=True)) == "abc"
    assert (
        normalize("\u201cA\u201d \u2013 it\u2019s\u2026", TextOptions(normalize_punctuation=True))
        == '"A" - it\'s...'
    )


def test_cer_counts_edits_per_truth_character():
    assert cer("1,234.56", "123456") == pytest.approx(2 / 8)
    assert cer("abc", "abc") == 0.0
    assert cer("ab", "xyzw") == pytest.approx(4 / 2)


def test_combining_characters_count_once_after_nfc():
    assert cer("caf\u00e9", "cafe\u0301") == 0.0


def test_empty_truth_does_not_divide_by_zero():
    assert cer("", "") == 0.0
    assert cer("", "noise") == 1.0
    assert score("", "").cer_digits is None


def test_breakdown_by_kind_words_digits_and_confusions():
    s = score("Total 10.50 EUR", "Tota1 1O.50 EUR!")
    assert (s.substitutions, s.insertions, s.deletions) == (2, 1, 0)
    assert (s.chars, s.char_errors) == (15, 3)
    assert (s.words, s.word_errors) == (3, 3)
    # digits: truth 1050, text 150 (the O is not a digit, the 1 is): one deletion over 4 digits
    assert (s.digits, s.digit_errors, s.cer_digits) == (4, 1, 0.25)
    assert dict(s.confusions) == {("l", "1"): 1, ("0", "O"): 1, ("", "!"): 1}
    assert not s.exact and score("a  b", "a b").exact


def test_per_file_mean_and_character_weighted_rates_differ():
    short, long = score("a", "b"), score("abcdefghij", "abcdefghij")
    assert pooled([short, long], "char_errors", "chars") == pytest.approx(1 / 11)
    assert (short.cer + long.cer) / 2 == pytest.approx(0.5)
    assert pooled([], "char_errors", "chars") is None


def test_align_cuts_texts_into_coloured_pieces():
    assert align("1,234", "1234x") == [
        ("equal", "1", "1"),
        ("delete", ",", ""),
        ("equal", "234", "234"),
        ("insert", "", "x"),
    ]
    assert show_confusion(("0", "O")) == "0\u2192O"
    assert show_confusion((" ", "")) == "\u2423\u2192\u2205"


def test_bootstrap_interval_brackets_a_consistent_gain_below_zero():
    before = [score("12345", "1234"), score("abcde", "abxde"), score("xyz", "")]
    after = [score("12345", "12345"), score("abcde", "abcde"), score("xyz", "xyz")]
    low, high = bootstrap_cer_change(before, after)
    assert low <= -(5 / 13) <= high < 0
    assert bootstrap_cer_change(before, before) == (0.0, 0.0)
    assert bootstrap_cer_change([], []) is None
