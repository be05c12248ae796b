"""Faults on purpose: a stage that raises and an engine that crashes."""

from __future__ import annotations

from ocrprep import Engine, Stage, hookimpl


def explode(scan):
    raise RuntimeError("boom")


def fall_over(image, dpi, options):
    raise RuntimeError("engine fell over")


@hookimpl
def preprocess_stages():
    return [Stage("explode", explode, "Always raises.")]


@hookimpl
def recognize_engines():
    return [Engine("crash", fall_over, "Always crashes.")]
