"""All checks and batch frames, looked up by id and filtered by layer and system."""

from __future__ import annotations

from collections import Counter
from functools import cache

from expectations.check import Check, Frame


@cache
def _modules():
    from expectations.suites import beds, cost, cross, finance, his, hr, staging

    return (his, finance, cost, hr, beds, cross, staging)


@cache
def all_checks() -> tuple[Check, ...]:
    checks = tuple(c for m in _modules() for c in m.CHECKS)
    ids = Counter(c.check_id for c in checks)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        raise ValueError(f"duplicate check ids: {dup}")
    frames = {(f.layer, f.system, f.table) for f in all_frames()}
    for c in checks:
        if c.kind == "gx" and (c.layer, c.system, c.table) not in frames:
            raise ValueError(f"{c.check_id}: no frame for {c.layer}.{c.system}.{c.table}")
    return checks


@cache
def all_frames() -> tuple[Frame, ...]:
    return tuple(f for m in _modules() for f in getattr(m, "FRAMES", ()))


def frame_for(layer: str, system: str, table: str) -> Frame:
    for f in all_frames():
        if (f.layer, f.system, f.table) == (layer, system, table):
            return f
    raise KeyError(f"{layer}.{system}.{table}")


def get_check(check_id: str) -> Check:
    for c in all_checks():
        if c.check_id == check_id:
            return c
    raise KeyError(check_id)


def select_checks(layers=("raw", "staging"), systems=None) -> list[Check]:
    return [c for c in all_checks() if c.layer in layers and (not systems or c.system in systems)]


def counts_by_category() -> dict[str, int]:
    return dict(Counter(c.category for c in all_checks()))
