"""Soak (issue 14): 2,000 small pages through ``ocrprep compare --jobs 2``.

Samples the resident memory (main process plus workers) and the open file descriptors of the batch
from /proc while it runs, and reports RSS at the end against RSS at page 200 (goal: at most 1.2x),
descriptor growth (goal: none), and whether the results equal those of ``--jobs 1`` on the same
pages (goal: identical). Progress is counted by a Tesseract wrapper that appends a line per read
(two reads a page).

    .venv/bin/python bench/bench_soak.py [--pages 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from ocrprep.testing import render_text

OCRPREP = str(Path(sys.executable).with_name("ocrprep"))


def make_pages(folder: Path, count: int) -> None:
    """``count`` one-line pages of digits with a few specks, each with its ground truth."""
    rng = np.random.default_rng(0)
    for i in range(count):
        text = f"{i:05d} {rng.integers(100, 999)}"
        pixels = render_text(text, size=32)
        pixels[rng.random(pixels.shape) < 0.01] = 0
        Image.fromarray(pixels).save(folder / f"p{i:05d}.png", dpi=(300, 300))
        (folder / f"p{i:05d}.gt.txt").write_text(text)


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(c) for c in children]
    return found


def sample(pid: int) -> tuple[int, int]:
    """Resident KiB and open descriptors of ocrprep's Python processes (not the Tesseract runs)."""
    rss = fds = 0
    for process in tree(pid):
        try:
            if b"tesseract" in Path(f"/proc/{process}/cmdline").read_bytes().split(b"\0")[0]:
                continue
            status = Path(f"/proc/{process}/status").read_text()
            rss += int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
            fds += len(os.listdir(f"/proc/{process}/fd"))
        except (OSError, StopIteration):
            continue
    return rss, fds


def run(folder: Path, jobs: int, out: Path, reads: Path) -> list[tuple[int, int, int]]:
    """Run compare; (pages read, RSS KiB, descriptors) sampled every half second."""
    wrapper = folder.parent / "tesseract-counting"
    wrapper.write_text(f'#!/bin/sh\necho r >> "{reads}"\nexec {shutil.which("tesseract")} "$@"\n')
    wrapper.chmod(0o755)
    env = {**os.environ, "TESSERACT_CMD": str(wrapper)}
    command = [OCRPREP, "compare", str(folder), "--digits", "--jobs", str(jobs), "--json", str(out)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    while process.poll() is None:
        done = reads.read_text().count("\n") // 2 if reads.exists() else 0
        samples.append((done, *sample(process.pid)))
        time.sleep(0.5)
    assert process.returncode == 0, f"compare exited {process.returncode}"
    return samples


def texts(report: Path) -> list[tuple[str, str, str]]:
    files = json.loads(report.read_text())["files"]
    return [(f["path"], f["before"]["text"], f["after"]["text"]) for f in files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "pages"
        folder.mkdir()
        make_pages(folder, args.pages)
        start = time.perf_counter()
        samples = run(folder, 2, work / "two.json", work / "reads-2")
        seconds = time.perf_counter() - start
        run(folder, 1, work / "one.json", work / "reads-1")
        mark = min(200, args.pages // 10)
        early = next((s for s in samples if s[0] >= mark), samples[0])
        late = [s for s in samples if s[0] >= args.pages * 0.95] or samples[-1:]
        end = max(late, key=lambda s: s[1])
        same = texts(work / "two.json") == texts(work / "one.json")
        print(f"{args.pages} pages through compare --jobs 2 in {seconds:.0f} s")
        print(f"  RSS at page {early[0]}: {early[1] / 1024:.0f} MiB; near the end: {end[1] / 1024:.0f} MiB = "
              f"{end[1] / early[1]:.2f}x (goal <= 1.2x)")  # fmt: skip
        print(f"  open descriptors at page {early[0]}: {early[2]}; near the end: {end[2]} (goal: no growth)")
        print(f"  results identical to --jobs 1: {same} (goal: True)")


if __name__ == "__main__":
    main()
