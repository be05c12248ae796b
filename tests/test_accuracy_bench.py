"""The accuracy benchmark's harness (``bench/accuracy.py``) end to end on a tiny sample.

Real Tesseract and unpaper. These tests prove the harness runs and writes a complete report; they
check no figures (the benchmark's numbers are its own business).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
GENERATED = ("digit-specks", "digit-captcha")
REAL = "captcha_v2"
RECORD_KEYS = {"family", "sample", "split", "method", "cer", "exact", "seconds", "text", "chars",
               "char_errors", "error"}  # fmt: skip


@pytest.fixture
def accuracy(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``bench/accuracy.py`` imported by path (bench/ is not a package; it imports bench/families.py)."""
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")  # the harness sets it; restored after the test
    spec = importlib.util.spec_from_file_location("accuracy", BENCH / "accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "accuracy", module)  # its dataclasses must be importable to pickle
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with one real-family folder holding one captcha-like image and its truth."""
    folder = tmp_path / "data" / REAL
    folder.mkdir(parents=True)
    image = np.full((50, 200), 255, np.uint8)
    cv2.putText(image, "x7k2p", (10, 38), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    cv2.line(image, (0, 30), (199, 20), 0, 2)
    cv2.imwrite(str(folder / "x7k2p.png"), image)
    (folder / "x7k2p.gt.txt").write_text("x7k2p\n", encoding="utf-8")
    return tmp_path / "data"


def table_rows(markdown: str) -> list[list[str]]:
    """The cells of every table row of the report, header rows included."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in markdown.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]


def test_every_method_reads_every_family_of_every_split(
    accuracy: ModuleType, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report" / "ACC.md"
    families = ",".join((*GENERATED, REAL))
    args = ["--count", "1", "--split", "both", "--families", families, "--jobs", "1", "--data", str(data)]
    assert accuracy.main([*args, "--out", str(out)]) == 0

    methods = [m for m in accuracy.METHODS if m not in accuracy.OPT_IN]  # the default: all but opt-in
    report = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["meta"]["splits"] == ["dev", "test", "real"]
    assert report["meta"]["methods"] == methods and report["meta"]["unavailable"] == []
    assert set(report["meta"]["versions"]) == {"python", "tesseract", "unpaper", "ocrprep", "git"}
    expected = [
        (split, family, method) for split in ("dev", "test") for family in GENERATED for method in methods
    ]
    expected += [("real", REAL, method) for method in methods]
    assert [
        (r["split"], r["family"], r["method"]) for r in report["results"]
    ] == expected  # in a stable order
    for record in report["results"]:
        assert set(record) == RECORD_KEYS
        assert isinstance(record["text"], str) == (record["split"] != "real")  # real scans: no text kept
        assert isinstance(record["exact"], bool)
        assert isinstance(record["cer"], float) and isinstance(record["seconds"], float)
        assert record["error"] is None, record
    assert [(c["split"], c["family"], c["method"]) for c in report["summary"]] == expected

    markdown = out.read_text(encoding="utf-8")
    for heading in ("dev split", "test split", "Real scans"):
        assert heading in markdown
    rows = table_rows(markdown)
    headers = [row for row in rows if row[0] == "family"]
    assert len(headers) == 3 and all(row[2:] == methods for row in headers)
    body = {row[0]: row for row in rows if row[0] in (*GENERATED, REAL)}
    assert set(body) == {*GENERATED, REAL}
    for row in body.values():
        assert len(row) == 2 + len(methods) and "unavailable" not in row


def test_a_missing_program_makes_its_method_unavailable(
    accuracy: ModuleType, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accuracy, "available", lambda method: method != "unpaper")  # as without unpaper
    out = tmp_path / "ACC.md"
    args = ["--count", "1", "--split", "dev", "--families", GENERATED[0], "--methods", "tesseract,unpaper"]
    assert accuracy.main([*args, "--jobs", "1", "--data", str(data), "--out", str(out)]) == 0
    report = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["meta"]["unavailable"] == ["unpaper"]
    assert {r["method"] for r in report["results"]} == {"tesseract"}
    row = next(row for row in table_rows(out.read_text(encoding="utf-8")) if row[0] == GENERATED[0])
    assert row[3] == "unavailable"


def test_an_unknown_family_is_a_usage_error(accuracy: ModuleType, data: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        accuracy.main(["--families", "no-such-family", "--data", str(data), "--out", str(tmp_path / "A.md")])
    assert exit_info.value.code == 2
