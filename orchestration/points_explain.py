"""Trace of a department's workload points (点数溯源): which items and doctors stand behind them,
and how each number was formed. Backs ``jixiao explain points``; reads the marts read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


def _n(x: Decimal | None) -> str:
    """A decimal without trailing zeros (5.0000 → 5, 0.8000 → 0.8)."""
    if x is None:
        return "-"
    text = format(Decimal(x).normalize(), "f")
    return text


@dataclass(frozen=True)
class ItemTrace:
    standard_code: str | None
    item_name: str | None
    role: str
    lines: int
    quantity: Decimal
    base_points: Decimal | None
    multiplier: Decimal
    adjustment_id: str | None
    override_points: Decimal | None
    split_ratio: Decimal
    points: Decimal

    @property
    def formula(self) -> str:
        """How the points were formed, in the words of the formula (Chinese for operators)."""
        unit = (
            f"覆盖点数 {_n(self.override_points)}"
            if self.override_points is not None
            else f"基础点数 {_n(self.base_points)} × 调整系数 {_n(self.multiplier)}"
            + (f"（{self.adjustment_id}）" if self.adjustment_id else "")
        )
        return f"{unit} × 数量 {_n(self.quantity)} × 分配比例 {_n(self.split_ratio)} = {_n(self.points)}"


@dataclass(frozen=True)
class DoctorTrace:
    staff_id: str
    staff_name: str | None
    role: str
    lines: int
    points: Decimal


@dataclass
class PointsTrace:
    perf_dept_code: str
    perf_dept_name: str | None
    period: str
    total_points: Decimal
    by_role: dict[str, Decimal] = field(default_factory=dict)
    by_status: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    items: list[ItemTrace] = field(default_factory=list)
    doctors: list[DoctorTrace] = field(default_factory=list)


class ExplainError(ValueError):
    """The department or period has nothing to explain (message in Chinese)."""


def explain_points(warehouse: Path | str, dept: str, period: str, top: int = 10) -> PointsTrace:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        name = con.execute(
            "SELECT perf_dept_name FROM marts.dim_department WHERE perf_dept_code = ?", [dept]
        ).fetchone()
        if name is None:
            raise ExplainError(f"科室编码 {dept} 不在绩效科室字典中")
        roles = con.execute(
            "SELECT role, sum(points) FROM marts.fct_workload_points WHERE perf_dept_code = ? AND period = ? "
            "GROUP BY role ORDER BY role",
            [dept, period],
        ).fetchall()
        if not roles:
            raise ExplainError(f"{name[0]}（{dept}）在 {period} 没有工作量点数")
        trace = PointsTrace(dept, name[0], period, sum((r[1] for r in roles), Decimal(0)), dict(roles))
        for status, n, pts in con.execute(
            "SELECT points_status, count(*), sum(points) FROM marts.fct_charge_line_points "
            "WHERE perf_dept_code = ? AND period = ? GROUP BY 1 ORDER BY 1",
            [dept, period],
        ).fetchall():
            trace.by_status[status] = (n, pts)
        rows = con.execute(
            """
            SELECT p.standard_code, s.item_name, p.role, count(*) AS lines, sum(p.quantity) AS quantity,
                   p.base_points, coalesce(p.adjustment_multiplier, 1) AS multiplier, p.adjustment_id,
                   p.override_points, p.split_ratio, sum(p.points) AS points
            FROM marts.fct_charge_line_points AS p
            LEFT JOIN marts.dim_service_item AS s ON s.item_code = p.standard_code
            WHERE p.perf_dept_code = ? AND p.period = ? AND p.points_status = 'scored'
            GROUP BY ALL
            ORDER BY points DESC, p.standard_code
            LIMIT ?
            """,
            [dept, period, top],
        ).fetchall()
        trace.items = [ItemTrace(*r) for r in rows]
        rows = con.execute(
            """
            SELECT staff_id, staff_name, role, sum(line_count), sum(points) AS points
            FROM marts.fct_doctor_workload_points
            WHERE perf_dept_code = ? AND period = ?
            GROUP BY ALL
            ORDER BY points DESC, staff_id
            LIMIT ?
            """,
            [dept, period, top],
        ).fetchall()
        trace.doctors = [DoctorTrace(*r) for r in rows]
        return trace
    finally:
        con.close()
