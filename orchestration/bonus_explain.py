"""Trace of a bonus (奖金溯源): the chain behind a department's bonus or a staff member's bonus, every
number read from the bonus marts (never recomputed here; only summed and formatted). Backs
``jixiao explain bonus``; reads the warehouse read-only.

Department chain: fct_dept_bonus_summary → components (fct_dept_bonus, 复核调整 from
bonus_ops.adjustments) → the 核算分组's pool, budget and point price (fct_bonus_pool) → the KPI
coefficient and the scores behind it (fct_kpi_dept_summary, fct_kpi_scores) → warnings
(fct_bonus_warnings) → the items and doctors behind the points (points_explain.explain_points).
Staff chain: fct_staff_bonus lines → the approved 二次分配 version (bonus_ops.allocation_versions) →
the suggestion (fct_allocation_suggestions) → the paying department's chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from connectors.warehouse import relation_exists
from orchestration.points_explain import ExplainError, PointsTrace, explain_points

SINGLE_ITEMS = ("grade34_surgery", "tcm_therapy", "night_shift")
LINE_TYPES = {"allocation": "二次分配", "transfer": "划拨", "dept_reserve": "科室留存", "supplement": "补录"}
CLOSING_MODES = {"renormalise": "等比例调整回组内", "reserve": "差额记入院长基金/留存"}


class BonusExplainError(ExplainError):
    """Nothing to explain: unknown department or staff member, or no bonus in the period (Chinese)."""


def _n(x: Decimal | None) -> str:
    """A decimal without trailing zeros (5.0000 → 5, 0.8000 → 0.8)."""
    if x is None:
        return "-"
    return format(Decimal(x).normalize(), ",f")


def _money(x: Decimal | None) -> str:
    return "-" if x is None else f"{Decimal(x):,.2f}"


def _pts(x: Decimal | None) -> str:
    return "-" if x is None else f"{Decimal(x):,.4f}"


def _pct(x: Decimal | None) -> str:
    """A share as a percentage for display (0.6000 → 60%)."""
    return "-" if x is None else f"{_n(Decimal(x) * 100)}%"


def _when(x: datetime | None) -> str:
    return "-" if x is None else x.strftime("%Y-%m-%d %H:%M:%S")


# ------------------------------------------------------------------------------------------------
# Result types


@dataclass(frozen=True)
class Adjustment:
    adjustment_id: str
    old_value: Decimal | None
    new_value: Decimal | None
    reason: str | None
    adjusted_by: str | None
    adjusted_at: datetime | None
    is_active: bool | None

    @property
    def text(self) -> str:
        return (
            f"复核调整 {self.adjustment_id}：{_money(self.old_value)} → {_money(self.new_value)}，"
            f"原因：{self.reason or '-'}，调整人 {self.adjusted_by or '-'}（{_when(self.adjusted_at)}）"
        )


@dataclass(frozen=True)
class GroupPool:
    """A 核算分组's row of fct_bonus_pool, with A% and the 结余比例 of its scheme (seed) when known."""

    accounting_group: str
    scheme_code: str | None
    pool_method: str | None
    pool_amount: Decimal
    pool_share: Decimal | None
    group_budget: Decimal
    basis: str | None
    point_price_mode: str | None
    closing_mode: str | None
    group_points: Decimal | None
    group_headcount: int | None
    point_price: Decimal | None
    dept_bonus_total: Decimal | None
    reserve_amount: Decimal | None
    base_share: Decimal | None = None
    balance_ratio: Decimal | None = None

    @property
    def budget_text(self) -> str:
        return (
            f"全院奖金池 {_money(self.pool_amount)} × 分组占比 {_pct(self.pool_share)} = "
            f"组预算 {_money(self.group_budget)}"
        )

    @property
    def price_text(self) -> str:
        if self.basis != "points":
            return f"按人均核算（{self.basis}），无点单价"
        if self.point_price is None:
            return f"组点数 {_pts(self.group_points)}，无点单价"
        if self.point_price_mode == "fixed":
            return f"固定点单价 {_n(self.point_price)}（组点数 {_pts(self.group_points)}）"
        return f"点单价 = 组预算 {_money(self.group_budget)} / 组点数 {_pts(self.group_points)} = {_n(self.point_price)}"

    @property
    def closing_text(self) -> str:
        mode = CLOSING_MODES.get(self.closing_mode or "", self.closing_mode or "-")
        return (
            f"总额调节：{mode}；各科合计 {_money(self.dept_bonus_total)}，"
            f"留存（院长基金）{_money(self.reserve_amount)}"
        )


@dataclass(frozen=True)
class Component:
    accounting_group: str
    component_code: str
    component_name: str | None
    sort_order: int | None
    basis_quantity: Decimal | None
    rate: Decimal | None
    calculated_amount: Decimal | None
    adjustment_id: str | None
    amount: Decimal
    adjustment: Adjustment | None = None

    def formula(self, pool: GroupPool | None = None, kpi_coefficient: Decimal | None = None) -> str:
        """How the amount was formed, in the words of the formula, with the marts' numbers."""
        q, r, calc = self.basis_quantity, self.rate, _money(self.calculated_amount)
        price = pool.point_price if pool else None
        share = pool.base_share if pool else None
        code = self.component_code
        kpi = f"KPI 系数 {_n(kpi_coefficient)}" if kpi_coefficient is not None else "KPI 系数 1（无考核结果）"
        if code == "workload_base" and price is not None and share is not None:
            text = f"点数 {_pts(q)} × 点单价 {_n(price)} × A% {_pct(share)} = {calc}"
        elif code == "workload_kpi" and price is not None and share is not None:
            text = f"点数 {_pts(q)} × 点单价 {_n(price)} × (1 − {_pct(share)}) × {kpi} = {calc}"
        elif code in ("workload_base", "workload_kpi"):
            text = f"点数 {_pts(q)} × 单价 {_n(r)} = {calc}"
        elif code == "balance":
            text = f"(医疗收入 − 可控成本) {_money(q)} × 结余比例 {_pct(r)} = {calc}"
        elif code == "grade34_surgery":
            text = f"例数 {_n(q)} × 单价 {_n(r)} = {calc}"
        elif code == "tcm_therapy":
            text = f"人次 {_n(q)} × 单价 {_n(r)} = {calc}"
        elif code == "night_shift":
            text = f"夜班数 {_n(q)} × 单价 {_n(r)} = {calc}"
        elif code == "per_capita":
            text = f"Σ 岗位系数 {_n(q)} × 临床人均 {_n(r)} = {calc}"
        elif code == "penalty":
            text = f"− 科室核减 {_money(q)} = {calc}"
        elif code == "closing":
            text = f"组预算与组内各项合计之差，按本科权重 {_money(q)} 等比例分回 = {calc}"
        else:
            text = f"{_n(q)} × {_n(r)} = {calc}"
        if self.adjustment_id:
            text += f" → 复核调整为 {_money(self.amount)}"
        return text


@dataclass(frozen=True)
class KpiLine:
    indicator_code: str
    indicator_name: str | None
    unit: str | None
    method: str | None
    actual: Decimal | None
    target: Decimal | None
    target_source: str | None
    score: Decimal | None
    points: Decimal | None
    weight: Decimal | None
    weighted_score: Decimal | None
    score_status: str | None


@dataclass
class KpiTrace:
    scheme_code: str
    scheme_name: str | None
    scheme_score: Decimal | None
    total_score: Decimal | None
    completeness: str | None
    coefficient_rule: str | None
    kpi_coefficient: Decimal | None
    rule_text: str | None = None
    lines: list[KpiLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        rule = f"规则 {self.coefficient_rule or '-'}" + (f"：{self.rule_text}" if self.rule_text else "")
        return (
            f"{self.scheme_name or self.scheme_code}：总分 {_n(self.total_score)} / {_n(self.scheme_score)}"
            f"（{self.completeness or '-'}），{rule} → KPI 系数 {_n(self.kpi_coefficient)}"
        )


@dataclass(frozen=True)
class BonusWarning:
    rule_code: str
    rule_name: str | None
    severity: str | None
    observed_value: Decimal | None
    threshold: Decimal | None
    detail: str | None


@dataclass(frozen=True)
class PeriodState:
    """The period's workflow status (bonus_ops.period_status; no row = draft) and active archive."""

    period: str
    status: str | None
    archive_id: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    content_hash: str | None = None

    @property
    def is_archived(self) -> bool:
        return self.archive_id is not None

    @property
    def text(self) -> str:
        from connectors.bonus_state.tables import PERIOD_STATUSES

        label = PERIOD_STATUSES.get(self.status or "", self.status or "未知")
        if self.is_archived:
            return (
                f"期间 {self.period} 已关账归档，以下为归档数据（状态 {label}，归档哈希 {self.content_hash or '-'}，"
                f"{self.closed_by or '-'} 于 {_when(self.closed_at)} 关账）"
            )
        return f"期间 {self.period} 未关账（状态 {label}），以下为实时核算数据"


@dataclass
class DeptBonusTrace:
    period: str
    perf_dept_code: str
    perf_dept_name: str | None
    dept_category: str | None
    accounting_group: str | None
    basis: str | None
    dept_bonus: Decimal
    headcount: int | None
    per_capita_bonus: Decimal | None
    points: Decimal | None
    kpi_coefficient: Decimal | None
    kpi_complete: bool | None
    prev_dept_bonus: Decimal | None
    mom_change: Decimal | None
    state: PeriodState | None = None
    components: list[Component] = field(default_factory=list)
    groups: dict[str, GroupPool] = field(default_factory=dict)
    kpi: list[KpiTrace] = field(default_factory=list)
    warnings: list[BonusWarning] = field(default_factory=list)
    points_trace: PointsTrace | None = None
    points_note: str | None = None

    @property
    def components_total(self) -> Decimal:
        """Σ component amounts (= dept_bonus by construction of the marts)."""
        return sum((c.amount for c in self.components), Decimal(0))

    @property
    def single_items(self) -> list[Component]:
        return [c for c in self.components if c.component_code in SINGLE_ITEMS]

    def formula(self, c: Component) -> str:
        return c.formula(self.groups.get(c.accounting_group), self.kpi_coefficient)


@dataclass(frozen=True)
class StaffLine:
    line_type: str
    line_ref: str | None
    paying_dept_code: str
    home_dept_code: str | None
    staff_name: str | None
    amount: Decimal
    suggested_amount: Decimal | None
    version_id: str | None
    reason: str | None

    @property
    def type_label(self) -> str:
        return LINE_TYPES.get(self.line_type, self.line_type)


@dataclass(frozen=True)
class AllocationVersion:
    version_id: str
    perf_dept_code: str
    file_name: str | None
    file_hash: str | None
    submitted_by: str | None
    submitted_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    status: str | None

    @property
    def text(self) -> str:
        return (
            f"二次分配版本 {self.version_id}（{self.perf_dept_code}）：文件 {self.file_name or '-'}，"
            f"哈希 {self.file_hash or '-'}；{self.submitted_by or '-'} 于 {_when(self.submitted_at)} 提交，"
            f"{self.approved_by or '-'} 于 {_when(self.approved_at)} 批准"
        )


@dataclass(frozen=True)
class Suggestion:
    perf_dept_code: str
    perf_dept_name: str | None
    staff_name: str | None
    post_category: str | None
    title: str | None
    position: str | None
    attendance_days: Decimal | None
    days_in_month: int | None
    post_coefficient: Decimal | None
    attendance_coefficient: Decimal | None
    staff_points: Decimal | None
    points_factor: Decimal | None
    is_manager: bool | None
    management_amount: Decimal | None
    suggested_amount: Decimal
    dept_pool: Decimal | None

    @property
    def text(self) -> str:
        manager = f"（其中管理分配 {_money(self.management_amount)}）" if self.management_amount else ""
        return (
            f"二次分配建议（{self.perf_dept_name or self.perf_dept_code}，科室奖金 {_money(self.dept_pool)}）："
            f"{_money(self.suggested_amount)}{manager}；权重 = 岗位系数 {_n(self.post_coefficient)}"
            f"（{self.post_category or '-'}/{self.title or '-'}） × 出勤系数 {_n(self.attendance_coefficient)}"
            f"（出勤 {_n(self.attendance_days)}/{self.days_in_month or '-'} 天） × 点数系数 {_n(self.points_factor)}"
            f"（个人点数 {_pts(self.staff_points)}）"
        )


@dataclass
class StaffBonusTrace:
    staff_id: str
    staff_name: str | None
    period: str
    state: PeriodState | None = None
    lines: list[StaffLine] = field(default_factory=list)
    versions: dict[str, AllocationVersion | None] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)
    depts: list[DeptBonusTrace] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((x.amount for x in self.lines), Decimal(0))


# ------------------------------------------------------------------------------------------------
# Reading


def _connect(warehouse: Path | str):
    import duckdb

    if not Path(warehouse).exists():
        raise BonusExplainError(f"数据仓库 {warehouse} 不存在（请先运行 jixiao run）")
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as exc:
        raise BonusExplainError(
            f"无法只读打开数据仓库 {warehouse}（可能正被写入，请稍后重试）：{exc}"
        ) from exc


def _period_state(con, period: str) -> PeriodState:
    status = "draft"  # no row = draft
    if relation_exists(con, "bonus_ops", "period_status"):
        row = con.execute("SELECT status FROM bonus_ops.period_status WHERE period = ?", [period]).fetchone()
        if row is not None:
            status = row[0]
    else:
        status = None
    if relation_exists(con, "bonus_ops", "period_archive"):
        row = con.execute(
            "SELECT archive_id, closed_at, closed_by, content_hash FROM bonus_ops.period_archive "
            "WHERE period = ? AND is_active ORDER BY closed_at DESC LIMIT 1",
            [period],
        ).fetchone()
        if row is not None:
            return PeriodState(period, status, *row)
    return PeriodState(period, status)


def _dept_trace(con, dept: str, period: str) -> DeptBonusTrace:
    row = con.execute(
        "SELECT period, perf_dept_code, perf_dept_name, dept_category, accounting_group, basis, dept_bonus, "
        "headcount, per_capita_bonus, points, kpi_coefficient, kpi_complete, prev_dept_bonus, mom_change "
        "FROM marts.fct_dept_bonus_summary WHERE perf_dept_code = ? AND period = ?",
        [dept, period],
    ).fetchone()
    if row is None:
        name = con.execute(
            "SELECT perf_dept_name FROM marts.dim_department WHERE perf_dept_code = ?", [dept]
        ).fetchone()
        if name is None:
            raise BonusExplainError(f"科室编码 {dept} 不在绩效科室字典中")
        any_row = con.execute(
            "SELECT count(*) FROM marts.fct_dept_bonus_summary WHERE period = ?", [period]
        ).fetchone()
        if any_row[0] == 0:
            raise BonusExplainError(
                f"期间 {period} 没有科室奖金核算结果（尚未运行 jixiao bonus run，或期间不存在）"
            )
        raise BonusExplainError(f"{name[0]}（{dept}）在 {period} 没有科室奖金（不是核算单元，或该月无数据）")
    trace = DeptBonusTrace(*row)

    # components, home group first
    comps = con.execute(
        "SELECT accounting_group, component_code, component_name, sort_order, basis_quantity, rate, "
        "calculated_amount, adjustment_id, amount FROM marts.fct_dept_bonus "
        "WHERE perf_dept_code = ? AND period = ? "
        "ORDER BY accounting_group <> ?, accounting_group, sort_order, component_code",
        [dept, period, trace.accounting_group or ""],
    ).fetchall()
    adjustments: dict[str, Adjustment] = {}
    ids = sorted({c[7] for c in comps if c[7]})
    if ids and relation_exists(con, "bonus_ops", "adjustments"):
        for a in con.execute(
            "SELECT adjustment_id, old_value, new_value, reason, adjusted_by, adjusted_at, is_active "
            f"FROM bonus_ops.adjustments WHERE adjustment_id IN ({', '.join('?' for _ in ids)})",
            ids,
        ).fetchall():
            adjustments[a[0]] = Adjustment(*a)
    trace.components = [Component(*c, adjustment=adjustments.get(c[7]) if c[7] else None) for c in comps]

    # the groups' pool, budget and point price (+ A% and 结余比例 of the scheme, seed, when present)
    groups = sorted({c.accounting_group for c in trace.components} | ({trace.accounting_group} - {None}))
    if groups:
        seed = relation_exists(con, "seeds", "bonus_group_schemes")
        extra = "s.base_share, s.balance_ratio" if seed else "NULL, NULL"
        join = "LEFT JOIN seeds.bonus_group_schemes AS s ON s.scheme_code = p.scheme_code" if seed else ""
        for g in con.execute(
            "SELECT p.accounting_group, p.scheme_code, p.pool_method, p.pool_amount, p.pool_share, p.group_budget, "
            "p.basis, p.point_price_mode, p.closing_mode, p.group_points, p.group_headcount, p.point_price, "
            f"p.dept_bonus_total, p.reserve_amount, {extra} FROM marts.fct_bonus_pool AS p {join} "
            f"WHERE p.period = ? AND p.accounting_group IN ({', '.join('?' for _ in groups)})",
            [period, *groups],
        ).fetchall():
            trace.groups[g[0]] = GroupPool(*g)

    # KPI coefficient and the scores behind it
    kpis = con.execute(
        "SELECT scheme_code, scheme_name, scheme_score, total_score, completeness, coefficient_rule, kpi_coefficient "
        "FROM marts.fct_kpi_dept_summary WHERE perf_dept_code = ? AND period = ? ORDER BY scheme_code",
        [dept, period],
    ).fetchall()
    rules = relation_exists(con, "seeds", "kpi_coefficient_rule")
    for k in kpis:
        kt = KpiTrace(*k)
        if rules and kt.coefficient_rule:
            r = con.execute(
                "SELECT description FROM seeds.kpi_coefficient_rule WHERE rule_code = ? LIMIT 1",
                [kt.coefficient_rule],
            ).fetchone()
            kt.rule_text = r[0] if r else None
        kt.lines = [
            KpiLine(*x)
            for x in con.execute(
                "SELECT indicator_code, indicator_name, unit, method, actual, target, target_source, score, points, "
                "weight, weighted_score, score_status FROM marts.fct_kpi_scores "
                "WHERE perf_dept_code = ? AND period = ? AND scheme_code = ? ORDER BY indicator_code",
                [dept, period, kt.scheme_code],
            ).fetchall()
        ]
        trace.kpi.append(kt)

    trace.warnings = [
        BonusWarning(*w)
        for w in con.execute(
            "SELECT rule_code, rule_name, severity, observed_value, threshold, detail FROM marts.fct_bonus_warnings "
            "WHERE perf_dept_code = ? AND period = ? ORDER BY severity, rule_code",
            [dept, period],
        ).fetchall()
    ]
    return trace


def _add_points(trace: DeptBonusTrace, warehouse: Path | str, top: int) -> None:
    try:
        trace.points_trace = explain_points(warehouse, trace.perf_dept_code, trace.period, top)
    except ExplainError as exc:
        trace.points_note = str(exc)


def explain_dept_bonus(warehouse: Path | str, dept: str, period: str, top: int = 10) -> DeptBonusTrace:
    """The chain behind a department's bonus in a period (科室奖金溯源)."""
    con = _connect(warehouse)
    try:
        trace = _dept_trace(con, dept, period)
        trace.state = _period_state(con, period)
    finally:
        con.close()
    _add_points(trace, warehouse, top)
    return trace


def explain_staff_bonus(warehouse: Path | str, staff_id: str, period: str, top: int = 10) -> StaffBonusTrace:
    """The chain behind a staff member's bonus in a period (个人奖金溯源), with the paying department's."""
    con = _connect(warehouse)
    try:
        lines = [
            StaffLine(*x)
            for x in con.execute(
                "SELECT line_type, line_ref, paying_dept_code, home_dept_code, staff_name, amount, suggested_amount, "
                "version_id, reason FROM marts.fct_staff_bonus WHERE staff_id = ? AND period = ? "
                "ORDER BY line_type <> 'allocation', line_type, paying_dept_code, line_ref",
                [staff_id, period],
            ).fetchall()
        ]
        suggestions = [
            Suggestion(*x)
            for x in con.execute(
                "SELECT perf_dept_code, perf_dept_name, staff_name, post_category, title, position, attendance_days, "
                "days_in_month, post_coefficient, attendance_coefficient, staff_points, points_factor, is_manager, "
                "management_amount, suggested_amount, dept_pool FROM marts.fct_allocation_suggestions "
                "WHERE staff_id = ? AND period = ? ORDER BY perf_dept_code",
                [staff_id, period],
            ).fetchall()
        ]
        if not lines and not suggestions:
            seen = con.execute(
                "SELECT (SELECT count(*) FROM marts.fct_allocation_suggestions WHERE staff_id = ?) "
                "+ (SELECT count(*) FROM marts.fct_staff_bonus WHERE staff_id = ?)",
                [staff_id, staff_id],
            ).fetchone()[0]
            if seen == 0:
                raise BonusExplainError(f"工号 {staff_id} 不在任何期间的奖金数据中（工号有误？）")
            raise BonusExplainError(
                f"工号 {staff_id} 在 {period} 没有奖金（不在任何科室的二次分配建议中，也没有个人奖金行）"
            )
        name = next((x.staff_name for x in lines if x.staff_name), None) or next(
            (s.staff_name for s in suggestions if s.staff_name), None
        )
        trace = StaffBonusTrace(
            staff_id, name, period, _period_state(con, period), lines, suggestions=suggestions
        )

        depts: list[str] = []
        for d in [x.paying_dept_code for x in lines] + [s.perf_dept_code for s in suggestions]:
            if d not in depts:
                depts.append(d)

        has_versions = relation_exists(con, "bonus_ops", "allocation_versions")
        cols = "version_id, perf_dept_code, file_name, file_hash, submitted_by, submitted_at, approved_by, approved_at, status"
        for d in depts:
            version = None
            if has_versions:
                ids = [x.version_id for x in lines if x.paying_dept_code == d and x.version_id]
                row = None
                if ids:  # the version the lines came from
                    row = con.execute(
                        f"SELECT {cols} FROM bonus_ops.allocation_versions WHERE version_id = ? LIMIT 1",
                        [ids[0]],
                    ).fetchone()
                if row is None:  # else the approved one in force (the latest approval wins, as in staging)
                    row = con.execute(
                        f"SELECT {cols} FROM bonus_ops.allocation_versions "
                        "WHERE period = ? AND perf_dept_code = ? AND status = 'approved' "
                        "ORDER BY approved_at DESC, version_id DESC LIMIT 1",
                        [period, d],
                    ).fetchone()
                version = AllocationVersion(*row) if row else None
            trace.versions[d] = version
        for d in depts:
            trace.depts.append(_dept_trace(con, d, period))
            trace.depts[-1].state = trace.state
    finally:
        con.close()
    for dt in trace.depts:
        _add_points(dt, warehouse, top)
    return trace
