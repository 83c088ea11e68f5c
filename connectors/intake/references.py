"""References from a filed row to the configuration (引用校验): the sets a column's ``allowed`` names
and the row checks a dataset's ``checks`` names (connectors/intake/datasets/*.yml).

* ``department_code``: an accounting unit (核算单元) of the department seed active today; a parent
  department (``is_accounting_unit = false``) is refused with its own message.
* ``kpi_indicator_code``: an enabled indicator of the KPI library (seeds/kpi/kpi_indicators.csv).
* ``filed_component_code``: a component the hospital files (seeds/national/national_components.csv,
  ``source_kind = filed``).
* check ``kpi_target_direction``: in a target row, 最优值 is better than 基准值 in the indicator's
  direction (higher: best > baseline; lower: best < baseline).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from connectors.intake.departments import DEFAULT_DEPARTMENT_SEED, load_department_codes

SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
KPI_INDICATORS = SEEDS_DIR / "kpi" / "kpi_indicators.csv"
NATIONAL_COMPONENTS = SEEDS_DIR / "national" / "national_components.csv"

ALLOWED_SETS = ("department_code", "kpi_indicator_code", "filed_component_code")
ROW_CHECKS = ("kpi_target_direction",)


def _rows(path: Path) -> list[dict[str, str]]:
    """The rows of a seed, read on every call: a seed edited while a Dagster code server runs counts."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _in_force(row: dict[str, str], on: date) -> bool:
    """An effective-dated seed row in force on ``on`` (empty bounds are open)."""
    start, end = (row.get("effective_from") or "").strip()[:10], (row.get("effective_to") or "").strip()[:10]
    return (not start or start <= on.isoformat()) and (not end or on.isoformat() <= end)


def kpi_indicators(on: date | None = None) -> dict[str, dict[str, str]]:
    """KPI indicators in force on ``on`` (default today) and enabled, by code."""
    on = on or date.today()
    rows = {r["indicator_code"].strip(): r for r in _rows(KPI_INDICATORS) if _in_force(r, on)}
    return {c: r for c, r in rows.items() if (r.get("enabled") or "true").strip().lower() == "true"}


def filed_components() -> dict[str, str]:
    return {
        r["component_code"].strip(): r["component_name"]
        for r in _rows(NATIONAL_COMPONENTS)
        if r["source_kind"].strip() == "filed"
    }


def parent_department_codes(seed_path: Path = DEFAULT_DEPARTMENT_SEED, on: date | None = None) -> frozenset[str]:
    """Departments in force on ``on`` (default today) that are not accounting units (上级科室)."""
    on = on or date.today()
    return frozenset(
        r["perf_dept_code"].strip()
        for r in _rows(seed_path)
        if _in_force(r, on) and (r.get("is_accounting_unit") or "").strip().lower() == "false"
    )


def accounting_unit_codes(on_date: date | None = None) -> frozenset[str]:
    """Department codes a row may name: active today and an accounting unit (核算单元)."""
    return load_department_codes(on_date=on_date) - parent_department_codes()


@dataclass(frozen=True)
class Reference:
    """The allowed values of one set and how to explain a value outside it."""

    contains: Callable[[str], bool]
    explain: Callable[[str], str]


def reference(name: str, department_codes=None) -> Reference:
    if name == "department_code":
        codes = accounting_unit_codes() if department_codes is None else frozenset(department_codes)
        parents = parent_department_codes()

        def explain_dept(v: str) -> str:
            if v in parents:
                return f"值“{v}”是上级科室（非核算单元），请填写其下属核算科室的编码"
            return f"值“{v}”不是有效的科室编码（科室字典中不存在或已停用）"

        return Reference(codes.__contains__, explain_dept)
    if name == "kpi_indicator_code":
        known = kpi_indicators()
        return Reference(known.__contains__, lambda v: f"“{v}”不是指标库中启用的指标编码（seeds/kpi/kpi_indicators.csv）")
    if name == "filed_component_code":
        known = filed_components()
        return Reference(
            known.__contains__,
            lambda v: f"“{v}”不是需医院填报的指标编码（seeds/national/national_components.csv 中 source_kind=filed 的项）",
        )
    raise KeyError(name)


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text not in (None, "") else None
    except InvalidOperation:
        return None


def kpi_target_direction(row: dict[str, str | None]) -> list[tuple[str, str]]:
    """``[(column, reason)]`` for a target row whose 最优值 is not better than its 基准值."""
    ind = kpi_indicators().get(row.get("indicator_code") or "")
    baseline, best = _decimal(row.get("baseline")), _decimal(row.get("best"))
    if ind is None or baseline is None or best is None:
        return []
    direction = (ind.get("direction") or "").strip()
    name = f"{ind['indicator_code']}（{ind['indicator_name']}）"
    if direction == "higher" and not best > baseline:
        return [("best", f"指标 {name}越高越好，最优值 {best} 应大于基准值 {baseline}")]
    if direction == "lower" and not best < baseline:
        return [("best", f"指标 {name}越低越好，最优值 {best} 应小于基准值 {baseline}")]
    return []


ROW_CHECK_FUNCTIONS: dict[str, Callable[[dict], list[tuple[str, str]]]] = {
    "kpi_target_direction": kpi_target_direction,
}
