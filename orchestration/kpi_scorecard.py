"""A department's KPI score card (综合目标考核得分卡) for ``jixiao kpi show``; reads the marts read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

METHOD_NAMES = {
    "target_ratio": "目标参照法",
    "plus_minus": "加减分法",
    "interval": "区间法",
    "bands": "分段法",
    "comparison": "比较法",
    "threshold": "达标法",
    "actual_value": "实际值法",
    "rank": "排名法",
}


@dataclass(frozen=True)
class IndicatorLine:
    indicator_code: str
    indicator_name: str | None
    method: str
    actual: Decimal | None
    target: Decimal | None
    target_source: str | None
    score: Decimal | None
    points: Decimal
    weight: Decimal
    weighted_score: Decimal | None
    score_status: str


@dataclass
class ScoreCard:
    perf_dept_code: str
    perf_dept_name: str | None
    period: str
    scheme_name: str
    total_score: Decimal
    scheme_score: Decimal
    kpi_coefficient: Decimal
    completeness: str
    lines: list[IndicatorLine] = field(default_factory=list)


class ScoreCardError(ValueError):
    """Nothing to show (message in Chinese)."""


def score_card(warehouse: Path | str, dept: str, period: str) -> ScoreCard:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        head = con.execute(
            "SELECT s.perf_dept_code, d.perf_dept_name, s.period, s.scheme_name, s.total_score, s.scheme_score, "
            "s.kpi_coefficient, s.completeness FROM marts.fct_kpi_dept_summary AS s "
            "LEFT JOIN marts.dim_department AS d USING (perf_dept_code) WHERE s.perf_dept_code = ? AND s.period = ?",
            [dept, period],
        ).fetchone()
        if head is None:
            raise ScoreCardError(f"科室 {dept} 在 {period} 没有考核结果（不在任何方案中，或该期间未计算）")
        card = ScoreCard(*head)
        rows = con.execute(
            "SELECT indicator_code, indicator_name, method, actual, target, target_source, score, points, weight, "
            "weighted_score, score_status FROM marts.fct_kpi_scores "
            "WHERE perf_dept_code = ? AND period = ? ORDER BY indicator_code",
            [dept, period],
        ).fetchall()
        card.lines = [IndicatorLine(*r) for r in rows]
        return card
    finally:
        con.close()
