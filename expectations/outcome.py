"""The outcome of one check on one partition, whichever engine ran it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from expectations.check import Check

SAMPLE_ROWS = 20
RECORD_CAP = 1000


def to_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass
class Outcome:
    check: Check
    passed: bool
    observed_value: str
    failing_count: int
    records: list[tuple[dict, dict]] = field(default_factory=list)  # (record keys, detail), capped
    expectation_type: str = ""

    def sample_json(self) -> str:
        return to_json([{**k, **d} for k, d in self.records[:SAMPLE_ROWS]])


def plain(v):
    """A JSON-friendly Python scalar from a numpy/pandas value (NaN/NaT → None)."""
    if v is None:
        return None
    if hasattr(v, "item"):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    try:
        if v != v:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    return v if isinstance(v, (int, float, str, bool)) else str(v)
