"""Run work over every page of a batch of inputs; a bad file is reported and the batch goes on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .errors import InputError
from .images import Page, expand_inputs, read_pages

T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """An input (or one page of it) that could not be processed, and why."""

    path: str
    error: str

    def __str__(self) -> str:
        return f"{self.path}: {self.error}"


def run_batch(
    inputs: Iterable[Path],
    work: Callable[[Page], T],
    on_failure: Callable[[Failure], None],
    on_file: Callable[[], None] = lambda: None,
) -> Iterator[T]:
    """Yield ``work(page)`` for every page of every input, in order; ``on_file()`` after each file.

    An InputError, from reading a file or from the work on one page, goes to ``on_failure`` and the
    batch moves on; any other error (a missing engine, a bad pipeline) stops the batch.
    """
    for path in expand_inputs(inputs):
        try:
            for page in read_pages(path):
                try:
                    result = work(page)
                except InputError as exc:
                    on_failure(Failure(page.label, str(exc)))
                    continue
                yield result
        except InputError as exc:
            on_failure(Failure(str(path), str(exc)))
        on_file()
