"""Faults on purpose: a stage that raises, ones that kill their process or stall on a black page,
and an engine that crashes."""

from __future__ import annotations

import os
import signal
import time

from ocrprep import Engine, Stage, hookimpl


def explode(scan):
    raise RuntimeError("boom")


def kill_on_black(scan):
    """SIGKILL this process on an all-black page, as the out-of-memory killer would."""
    if not scan.pixels.any():
        os.kill(os.getpid(), signal.SIGKILL)
    return scan.pixels.copy()


def stall_on_black(scan):
    """Take a minute over an all-black page, as a stage stuck on a pathological page would."""
    if not scan.pixels.any():
        time.sleep(60)
    return scan.pixels.copy()


def fall_over(image, dpi, options):
    raise RuntimeError("engine fell over")


@hookimpl
def preprocess_stages():
    return [
        Stage("explode", explode, "Always raises."),
        Stage("kill-on-black", kill_on_black, "Kills its process on an all-black page."),
        Stage("stall-on-black", stall_on_black, "Takes a minute over an all-black page."),
    ]


@hookimpl
def recognize_engines():
    return [Engine("crash", fall_over, "Always crashes.")]
