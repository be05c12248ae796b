"""Text normalisation, error rates, error breakdown and alignment: pure functions over strings.

Texts are compared the way careful OCR evaluation does it: Unicode NFC, every run of whitespace made
one space, optionally case-folded and with typographic quotes and dashes made plain. Character error
rate (CER) is the edit distance over the number of characters of the ground truth; word error rate
(WER) the same over words; the digit CER compares only the digits of both texts.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .libs import np, rapidfuzz

PUNCTUATION = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-", "\u2026": "...",
    }
)  # fmt: skip
"""Curly quotes, primes, dashes, minus and ellipsis mapped to their plain ASCII forms."""

NOTHING = ""
"""The empty side of an insertion or deletion in a confusion."""

Confusion = tuple[str, str]
"""``(truth, ocr)``: a substitution, or a deletion (``ocr`` empty) or insertion (``truth`` empty)."""


@dataclass(frozen=True)
class TextOptions:
    """How texts are normalised before they are compared."""

    ignore_case: bool = False
    normalize_punctuation: bool = False


PLAIN = TextOptions()


def normalize(text: str, options: TextOptions = PLAIN) -> str:
    """NFC, whitespace runs made one space and trimmed; case-folded and plain punctuation if asked."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if options.normalize_punctuation:
        text = text.translate(PUNCTUATION)
    return text.casefold() if options.ignore_case else text


def error_rate(errors: int, length: int) -> float:
    """``errors / length``; with nothing to read (length 0), 0.0 for no errors and 1.0 otherwise."""
    if length == 0:
        return 0.0 if errors == 0 else 1.0
    return errors / length


@dataclass(frozen=True)
class TextScore:
    """Counts for one OCR text against its ground truth; rates are derived from them."""

    chars: int
    insertions: int
    deletions: int
    substitutions: int
    words: int
    word_errors: int
    digits: int
    digit_errors: int
    exact: bool
    confusions: tuple[tuple[Confusion, int], ...]

    @property
    def char_errors(self) -> int:
        return self.insertions + self.deletions + self.substitutions

    @property
    def cer(self) -> float:
        return error_rate(self.char_errors, self.chars)

    @property
    def wer(self) -> float:
        return error_rate(self.word_errors, self.words)

    @property
    def cer_digits(self) -> float | None:
        """CER on the digit class; None when the truth has no digits."""
        return error_rate(self.digit_errors, self.digits) if self.digits else None


def score(truth: str, text: str, options: TextOptions = PLAIN) -> TextScore:
    """Compare ``text`` with ``truth`` (both normalised): edits by kind, words, digits, confusions."""
    truth, text = normalize(truth, options), normalize(text, options)
    kinds: Counter[str] = Counter()
    confusions: Counter[Confusion] = Counter()
    for op in rapidfuzz.distance.Levenshtein.editops(truth, text):
        kinds[op.tag] += 1
        source = truth[op.src_pos] if op.tag != "insert" else NOTHING
        target = text[op.dest_pos] if op.tag != "delete" else NOTHING
        confusions[source, target] += 1
    truth_words, text_words = truth.split(), text.split()
    truth_digits, text_digits = _digits(truth), _digits(text)
    return TextScore(
        chars=len(truth),
        insertions=kinds["insert"],
        deletions=kinds["delete"],
        substitutions=kinds["replace"],
        words=len(truth_words),
        word_errors=int(rapidfuzz.distance.Levenshtein.distance(truth_words, text_words)),
        digits=len(truth_digits),
        digit_errors=int(rapidfuzz.distance.Levenshtein.distance(truth_digits, text_digits)),
        exact=truth == text,
        confusions=tuple(sorted(confusions.items(), key=lambda item: (-item[1], item[0]))),
    )


def cer(truth: str, text: str, options: TextOptions = PLAIN) -> float:
    """Character error rate of ``text`` against ``truth``."""
    return score(truth, text, options).cer


def pooled(scores: Iterable[TextScore], errors: str, length: str) -> float | None:
    """A rate weighted by size over several texts: total ``errors`` over total ``length``.

    ``errors`` and ``length`` name TextScore fields, e.g. ``("char_errors", "chars")``. None when
    there are no scores.
    """
    items = list(scores)
    if not items:
        return None
    return error_rate(sum(getattr(s, errors) for s in items), sum(getattr(s, length) for s in items))


def align(truth: str, text: str) -> list[tuple[str, str, str]]:
    """The two texts cut into aligned pieces ``(tag, truth_piece, text_piece)``.

    ``tag`` is ``equal``, ``replace``, ``delete`` (only in ``truth``) or ``insert`` (only in ``text``):
    what a side-by-side diff colours.
    """
    return [
        (op.tag, truth[op.src_start : op.src_end], text[op.dest_start : op.dest_end])
        for op in rapidfuzz.distance.Levenshtein.opcodes(truth, text)
    ]


def show_confusion(confusion: Confusion) -> str:
    """``0→O``, with ``∅`` for the empty side and ``␣`` for a space."""
    source, target = (c.replace(" ", "\u2423") or "\u2205" for c in confusion)
    return f"{source}\u2192{target}"


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def bootstrap_cer_change(
    before: list[TextScore], after: list[TextScore], *, resamples: int = 2000, seed: int = 0
) -> tuple[float, float] | None:
    """95% interval of the change in pooled CER (after minus before), by a paired bootstrap over files.

    Files are drawn with replacement, keeping each file's before and after together; the interval is
    the 2.5th to 97.5th percentile of the change over ``resamples`` draws. None without files.
    """
    if not before:
        return None
    chars = np.array([s.chars for s in before], dtype=float)
    errors_before = np.array([s.char_errors for s in before], dtype=float)
    errors_after = np.array([s.char_errors for s in after], dtype=float)
    draws = np.random.default_rng(seed).integers(0, len(before), size=(resamples, len(before)))
    length = np.maximum(chars[draws].sum(axis=1), 1.0)
    change = (errors_after[draws].sum(axis=1) - errors_before[draws].sum(axis=1)) / length
    low, high = np.percentile(change, [2.5, 97.5])
    return float(low), float(high)
