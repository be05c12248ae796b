"""Contributes a stage whose name the built-in plugin already uses."""

from ocrprep import Stage, hookimpl


@hookimpl
def preprocess_stages():
    return [Stage("threshold", lambda scan: scan.pixels.copy(), "A clash.")]
