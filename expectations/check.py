"""The check model: what a data-quality check is, independent of how it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

CATEGORIES = ("conformance", "completeness", "plausibility")
CATEGORY_ZH = {"conformance": "一致性", "completeness": "完整性", "plausibility": "合理性"}
SEVERITIES = ("error", "warn")
LAYERS = ("raw", "staging")


@dataclass(frozen=True)
class Frame:
    """A per-partition batch: a DuckDB query whose rows GX validates as a pandas DataFrame.

    ``sql`` may use ``$partition`` (``YYYY-MM``), ``$start`` and ``$end`` (first day of the month
    and first day of the next). Derived columns (casts, differences) are computed here so the
    expectations stay column-level. ``keys`` are the source key columns written to
    ``dq_failing_records.record_keys``.
    """

    layer: str
    system: str
    table: str
    sql: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class GxSpec:
    """A Great Expectations expectation: class name in ``gx.expectations`` and its arguments.

    ``kwargs`` may be a callable ``(partition) -> dict`` for partition-dependent arguments.
    """

    expectation: str
    kwargs: dict | Callable[[str], dict]

    def arguments(self, partition: str) -> dict:
        return self.kwargs(partition) if callable(self.kwargs) else dict(self.kwargs)


@dataclass(frozen=True)
class Check:
    """One data-quality check.

    Exactly one of ``gx`` (a column-level expectation run on the table's :class:`Frame`) or
    ``sql`` (a DuckDB query returning the FAILING rows; ``key_columns`` of each row are the
    record keys, the other columns its detail) is set. A SQL check passes when it returns at
    most ``max_failing`` rows.
    """

    check_id: str
    name_zh: str
    category: str
    severity: str
    layer: str
    system: str
    table: str
    threshold: str
    description: str
    subcategory: str = ""
    gx: GxSpec | None = None
    sql: str | None = None
    key_columns: tuple[str, ...] = field(default_factory=tuple)
    max_failing: int = 0

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.check_id}: unknown category {self.category}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.check_id}: unknown severity {self.severity}")
        if self.layer not in LAYERS:
            raise ValueError(f"{self.check_id}: unknown layer {self.layer}")
        if (self.gx is None) == (self.sql is None):
            raise ValueError(f"{self.check_id}: set exactly one of gx / sql")

    @property
    def kind(self) -> str:
        return "gx" if self.gx is not None else "sql"

    @property
    def target(self) -> str:
        return f"{self.system}.{self.table}"
