"""Shared fixtures: text images rendered with Pillow's bundled font, and the installed console script."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

PLUGINS = Path(__file__).parent / "plugins"


def render_text(text: str, size: int = 48, margin: int = 20) -> np.ndarray:
    """Black text on white, as a 2-D uint8 array, with Pillow's own scalable font."""
    font = ImageFont.load_default(size=size)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (right - left + 2 * margin, bottom - top + 2 * margin), 255)
    ImageDraw.Draw(img).text((margin - left, margin - top), text, font=font, fill=0)
    return np.asarray(img).copy()


def save(path: Path, image: np.ndarray, dpi: int | None = 300) -> Path:
    """Write ``image`` as an image file (format by suffix) with ``dpi``."""
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    Image.fromarray(image).save(path, format=Image.registered_extensions()[path.suffix.lower()], **extra)
    return path


KILLER_PIPELINE = "kill-on-black | threshold(160)"
"""With plugins/faulty_plugin.py: a pipeline whose worker process is SIGKILLed on an all-black page."""


def pages_with_a_killer(folder: Path, count: int, killer: int) -> list[str]:
    """``folder`` with pages p0..p<count-1>.png reading "Page <n>", page ``killer`` all black
    (see ``KILLER_PIPELINE``); the other pages' texts."""
    folder.mkdir()
    for i in range(count):
        save(
            folder / f"p{i}.png",
            render_text(f"Page {i}", size=40) if i != killer else np.zeros((60, 200), np.uint8),
        )
    return [f"Page {i}" for i in range(count) if i != killer]


def error_lines(stderr: str) -> list[str]:
    """The ``Error: ...`` lines a command printed."""
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def checksums(paths: Iterable[Path]) -> dict[Path, str]:
    """SHA-256 of every file, to prove inputs were not touched."""
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


@pytest.fixture
def text_image() -> Callable[..., np.ndarray]:
    return render_text


def console_script() -> str:
    """The installed ``ocrprep`` command beside this Python."""
    script = Path(sys.executable).with_name("ocrprep")
    assert script.exists(), "install the package first: pip install -e ."
    return str(script)


@pytest.fixture
def ocrprep_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``ocrprep`` console script; returns the completed process."""
    script = console_script()

    def run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None):
        return subprocess.run(
            [str(script), *map(str, args)],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            timeout=600,
        )

    return run
