"""Text normalisation and error rates: pure functions over strings."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein


def normalize(text: str, *, ignore_case: bool = False) -> str:
    """Unicode NFC with every run of whitespace made one space, trimmed; casefolded if asked."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text.casefold() if ignore_case else text


def char_errors(truth: str, text: str) -> int:
    """Edit distance in characters (insertions, deletions, substitutions) from ``truth`` to ``text``."""
    return int(Levenshtein.distance(truth, text))


def error_rate(errors: int, length: int) -> float:
    """``errors / length``; with nothing to read (length 0), 0.0 for no errors and 1.0 otherwise."""
    if length == 0:
        return 0.0 if errors == 0 else 1.0
    return errors / length


def cer(truth: str, text: str, *, ignore_case: bool = False) -> float:
    """Character error rate of ``text`` against ``truth``, both normalised first."""
    truth, text = (
        normalize(truth, ignore_case=ignore_case),
        normalize(text, ignore_case=ignore_case),
    )
    return error_rate(char_errors(truth, text), len(truth))


def pooled_cer(pairs: Iterable[tuple[str, str]], *, ignore_case: bool = False) -> float | None:
    """Character-weighted CER over ``(truth, text)`` pairs: all errors over all truth characters."""
    errors = length = count = 0
    for truth, text in pairs:
        truth, text = (
            normalize(truth, ignore_case=ignore_case),
            normalize(text, ignore_case=ignore_case),
        )
        errors += char_errors(truth, text)
        length += len(truth)
        count += 1
    return error_rate(errors, length) if count else None
