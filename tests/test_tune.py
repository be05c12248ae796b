"""ocrprep tune: candidates, the held-out split, and a real search written as a pipeline file."""

from __future__ import annotations

import numpy as np

from ocrprep.pipeline import parse_pipeline_file
from ocrprep.plugins import Host
from ocrprep.tune import candidates, split

from .conftest import save


def test_candidates_are_the_named_baselines_then_distinct_random_pipelines():
    picked = candidates(5, seed=1, known={"none", "classic"})
    assert picked[:2] == ["none", "classic"]
    assert len(set(picked)) == len(picked) == 7
    assert candidates(5, seed=1, known={"none", "classic"}) == picked
    host = Host()
    for spec in picked:
        host.pipeline(spec)


def test_split_keeps_search_and_held_out_files_apart(tmp_path):
    paths = [tmp_path / f"{i}.png" for i in range(10)]
    search, held = split(paths, 0.3, seed=0)
    assert len(held) == 3 and set(search) | set(held) == set(paths) and not set(search) & set(held)
    assert split(paths[:1], 0.3, seed=0) == (paths[:1], [])


def test_tune_writes_a_pipeline_file_that_compare_reads(ocrprep_cli, tmp_path, text_image):
    rng = np.random.default_rng(3)
    for i, text in enumerate(["314", "2718", "1618", "4669"]):
        image = text_image(text, size=44)
        image[rng.random(image.shape) < 0.02] = 0
        save(tmp_path / f"n{i}.png", image)
        (tmp_path / f"n{i}.gt.txt").write_text(text)
    out = tmp_path / "best.toml"
    result = ocrprep_cli("tune", tmp_path, "--budget", "2", "--jobs", "2", "--digits", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "best: " in result.stdout and "held-out (1 file(s)): CER best" in result.stdout
    assert out.read_text().startswith("# ocrprep tune on")
    parse_pipeline_file(out, Host().stages)
    again = ocrprep_cli("compare", tmp_path, "--pipeline-file", out, "--digits")
    assert again.returncode == 0, again.stderr
