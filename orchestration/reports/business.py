"""经营分析报表 (business report): revenue, cost and workload by department × month.

``jixiao report business --period P [--to Q]`` writes one xlsx with the sheets

* 汇总 — hospital totals per month and a 合计 row for the whole range;
* 科室明细 — one row per month × department (科室类别, 核算分组), then the 合计 row;
* 说明 — period, generated time, warehouse, and the source and definition of every column.

Sources (all read-only; the grain of each fits month × department, documented per column in 说明):

=====================  ==================================================================
columns                relation
=====================  ==================================================================
医疗收入 and its parts  ``intermediate.int_charge_lines__enriched`` (one row per charge line,
                        开单科室 ``ordering_perf_dept_code``, ``encounter_type`` ZY = 住院, else
                        门急诊) with ``seeds.fee_category_policy.revenue_class`` for the fee class
                        (药品, 卫生材料, 检查, 化验, 医疗服务, other/unknown → 其他). Same lines
                        and department as ``int_dept_metrics__revenue.medical_revenue``, which
                        has no 门诊/住院 split — hence the line table.
直接成本 / 分摊成本     ``staging.stg_cost__dept_costs`` mapped to perf departments through
                        ``intermediate.int_department__code_map`` (source_system ``cost``, in force
                        on the month's first day), as ``int_bonus__dept_facts`` does. 分摊成本 is
                        the net of the three step-down stages (negative on allocating centres), so
                        Σ 科室全成本 = Σ 直接成本 = the hospital's cost.
门急诊人次              ``intermediate.int_dept_metrics__outpatient`` (outpatient_visits)
出院人次 / 手术台次     ``intermediate.int_dept_metrics__inpatient`` (discharges, surgeries)
开放 / 占用床日         ``intermediate.int_dept_metrics__beds`` (bed_use_rate den., occupied_bed_days)
工作量点数              ``marts.fct_workload_points`` (Σ points over roles)
科室名称 / 类别 / 分组  ``marts.dim_department``
=====================  ==================================================================

The per-domain metric models are read rather than ``int_dept_metrics__monthly`` because they keep
the rows without a 科室对照 (perf_dept_code NULL): those print as 「（未对照科室）」 so the hospital
total is the whole hospital and Σ departments = 合计 exactly. The 汇总 rows are the sums of the
科室明细 rows of the month (ratios recomputed from the sums). A source that is missing leaves its
columns empty (never 0) and is named in 说明 and on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.produced_files import save_workbook
from orchestration.reports.common import (
    COUNT,
    MONEY,
    POINTS,
    RATIO,
    Col,
    Department,
    ReportError,
    dec,
    department,
    dept_sort_key,
    generated_text,
    has,
    hospital_name,
    load_departments,
    month_range,
    open_warehouse,
    period_label,
    period_slug,
    ratio,
    totals_of,
    write_notes,
    write_table,
)

TITLE = "经营分析报表"
SUMMARY_SHEET, DETAIL_SHEET, NOTES_SHEET = "汇总", "科室明细", "说明"

CHARGE_LINES = "intermediate.int_charge_lines__enriched"
FEE_POLICY = "seeds.fee_category_policy"
DEPT_COSTS = "staging.stg_cost__dept_costs"
CODE_MAP = "intermediate.int_department__code_map"
OUTPATIENT = "intermediate.int_dept_metrics__outpatient"
INPATIENT = "intermediate.int_dept_metrics__inpatient"
BEDS = "intermediate.int_dept_metrics__beds"
POINTS_MART = "marts.fct_workload_points"

# fee class (seed fee_category_policy.revenue_class) → record key; anything else → rev_other
FEE_CLASSES = {
    "医疗服务": "rev_service",
    "检查": "rev_exam",
    "化验": "rev_lab",
    "卫生材料": "rev_material",
    "药品": "rev_drug",
}

REVENUE_KEYS = ("revenue", "rev_op", "rev_ip")
CLASS_KEYS = (*FEE_CLASSES.values(), "rev_other")
COST_KEYS = ("cost_direct", "cost_allocated", "cost_total")
WORK_KEYS = {
    "outpatient": ("op_visits",),
    "inpatient": ("discharges", "surgeries"),
    "beds": ("open_bed_days", "occupied_bed_days"),
    "points": ("points",),
}
SUM_KEYS = (*REVENUE_KEYS, *CLASS_KEYS, *COST_KEYS, *(k for ks in WORK_KEYS.values() for k in ks))


def _balance(t: dict) -> Decimal | None:
    if t.get("revenue") is None or t.get("cost_total") is None:
        return None
    return dec(t["revenue"]) - dec(t["cost_total"])


REV, COST, WORK = "医疗收入（元）", "成本（元）", "工作量"
METRIC_COLS = (
    Col("医疗收入合计", "revenue", MONEY, 14, REV, "sum"),
    Col("门急诊收入", "rev_op", MONEY, 13, REV, "sum"),
    Col("住院收入", "rev_ip", MONEY, 13, REV, "sum"),
    Col("医疗服务收入", "rev_service", MONEY, 13, REV, "sum"),
    Col("检查收入", "rev_exam", MONEY, 12, REV, "sum"),
    Col("化验收入", "rev_lab", MONEY, 12, REV, "sum"),
    Col("卫生材料收入", "rev_material", MONEY, 12, REV, "sum"),
    Col("药品收入", "rev_drug", MONEY, 13, REV, "sum"),
    Col("其他收入", "rev_other", MONEY, 11, REV, "sum"),
    Col("药占比", "drug_share", RATIO, 8, REV, "ratio", ("rev_drug", "revenue")),
    Col("耗占比", "material_share", RATIO, 8, REV, "ratio", ("rev_material", "revenue")),
    Col("直接成本", "cost_direct", MONEY, 14, COST, "sum"),
    Col("分摊成本（净额）", "cost_allocated", MONEY, 13, COST, "sum"),
    Col("科室全成本", "cost_total", MONEY, 14, COST, "sum"),
    Col("收支结余", "balance", MONEY, 14, COST, _balance),
    Col("门急诊人次", "op_visits", COUNT, 9, WORK, "sum"),
    Col("出院人次", "discharges", COUNT, 8, WORK, "sum"),
    Col("手术台次", "surgeries", COUNT, 8, WORK, "sum"),
    Col("实际开放床日", "open_bed_days", COUNT, 9, WORK, "sum"),
    Col("实际占用床日", "occupied_bed_days", COUNT, 9, WORK, "sum"),
    Col("床位使用率", "bed_use_rate", RATIO, 9, WORK, "ratio", ("occupied_bed_days", "open_bed_days")),
    Col("工作量点数", "points", POINTS, 12, WORK, "sum"),
)
SUMMARY_COLS = (Col("期间", "period", None, 9), *METRIC_COLS)
DETAIL_COLS = (
    Col("期间", "period", None, 9),
    Col("科室编码", "dept_code", None, 9),
    Col("科室名称", "dept_name", None, 14),
    Col("科室类别", "category", None, 9),
    Col("核算分组", "group", None, 9),
    *METRIC_COLS,
)

COLUMN_NOTES = (
    (
        "医疗收入合计",
        f"{CHARGE_LINES}：收费明细金额之和（退费冲减），按开单科室（ordering_perf_dept_code）归属，"
        "与 int_dept_metrics__revenue.medical_revenue 同口径",
    ),
    (
        "门急诊收入 / 住院收入",
        "同上，按就诊类型 encounter_type 区分：ZY 为住院，其余（MZ 等）为门急诊；两者之和 = 医疗收入合计",
    ),
    (
        "医疗服务 / 检查 / 化验 / 卫生材料 / 药品 / 其他收入",
        f"同上，按收费类别的收入分类（{FEE_POLICY}.revenue_class）；未登记的收费类别计入「其他」；各类之和 = 医疗收入合计",
    ),
    ("药占比 / 耗占比", "药品收入 ÷ 医疗收入合计；卫生材料收入 ÷ 医疗收入合计（合计行按合计数重算）"),
    (
        "直接成本 / 分摊成本（净额）",
        f"{DEPT_COSTS}（成本系统科室成本，会计期间 YYYYMM）经科室对照 {CODE_MAP}"
        "（source_system = cost）归入绩效科室；分摊成本 = 管理费用 + 医辅 + 医技三级分摊之和，分摊转出的科室为负数",
    ),
    (
        "科室全成本 / 收支结余",
        "科室全成本 = 直接成本 + 分摊成本（净额）；全院合计 = 直接成本合计；收支结余 = 医疗收入合计 − 科室全成本",
    ),
    ("门急诊人次", f"{OUTPATIENT}.outpatient_visits：门急诊挂号人次（退号不计），按挂号科室"),
    ("出院人次 / 手术台次", f"{INPATIENT}：discharges 出院人次（病案首页，按出院科室）；surgeries 手术台次"),
    (
        "实际开放床日 / 实际占用床日 / 床位使用率",
        f"{BEDS}：床位日报的开放床日与占用床日（按病区对照科室）；床位使用率 = 占用 ÷ 开放",
    ),
    ("工作量点数", f"{POINTS_MART}：科室各角色（开单、执行、护理、麻醉、手术室护理）点数之和"),
    (
        "科室名称 / 科室类别 / 核算分组",
        "marts.dim_department；来源科室无对照的记录列为「（未对照科室）」，保证各科室之和 = 全院合计",
    ),
)


@dataclass
class BusinessReport:
    months: list[str]  # the requested months
    data_months: list[str]  # months with any data
    detail: list[dict]
    summary: list[dict]
    total: dict
    missing: list[str] = field(default_factory=list)  # unavailable sources (Chinese)
    warehouse: str = ""

    @property
    def empty_months(self) -> list[str]:
        return [m for m in self.months if m not in self.data_months]


# ------------------------------------------------------------------------------------------------
# Reading


def _revenue(con, first: str, last: str, with_classes: bool) -> dict[tuple, dict]:
    classes = ""
    if with_classes:
        cases = [
            f"sum(CASE WHEN p.revenue_class = '{cls}' THEN l.amount ELSE 0 END) AS {key}"
            for cls, key in FEE_CLASSES.items()
        ]
        known = ", ".join(f"'{c}'" for c in FEE_CLASSES)
        cases.append(
            f"sum(CASE WHEN p.revenue_class IS NULL OR p.revenue_class NOT IN ({known}) THEN l.amount ELSE 0 END) "
            "AS rev_other"
        )
        classes = ", " + ", ".join(cases)
    join = f"LEFT JOIN {FEE_POLICY} AS p ON p.fee_category_code = l.fee_category_code" if with_classes else ""
    cur = con.execute(
        f"""
        SELECT l.period, l.ordering_perf_dept_code AS dept,
               sum(l.amount) AS revenue,
               sum(CASE WHEN l.encounter_type = 'ZY' THEN 0 ELSE l.amount END) AS rev_op,
               sum(CASE WHEN l.encounter_type = 'ZY' THEN l.amount ELSE 0 END) AS rev_ip
               {classes}
        FROM {CHARGE_LINES} AS l {join}
        WHERE l.period BETWEEN ? AND ?
        GROUP BY 1, 2
        """,
        [first, last],
    )
    names = [d[0] for d in cur.description]
    return {(r[0], r[1]): dict(zip(names[2:], r[2:], strict=True)) for r in cur.fetchall()}


def _costs(con, first: str, last: str) -> dict[tuple, dict]:
    ym = "replace(c.cost_period, '-', '')"
    period = f"substring({ym}, 1, 4) || '-' || substring({ym}, 5, 2)"
    rows = con.execute(
        f"""
        WITH c AS (
            SELECT {period} AS period, c.cost_centre_code,
                   coalesce(c.direct_cost, 0) AS direct_cost,
                   coalesce(c.allocated_admin_cost, 0) + coalesce(c.allocated_auxiliary_cost, 0)
                       + coalesce(c.allocated_medtech_cost, 0) AS allocated
            FROM {DEPT_COSTS} AS c
        )
        SELECT c.period, m.perf_dept_code, sum(c.direct_cost), sum(c.allocated)
        FROM c
        LEFT JOIN {CODE_MAP} AS m
            ON m.source_system = 'cost'
           AND m.source_dept_code = c.cost_centre_code
           AND cast(c.period || '-01' AS date) BETWEEN m.effective_from AND m.effective_to
        WHERE c.period BETWEEN ? AND ?
        GROUP BY 1, 2
        """,
        [first, last],
    ).fetchall()
    return {
        (p, d): {"cost_direct": direct, "cost_allocated": alloc, "cost_total": dec(direct) + dec(alloc)}
        for p, d, direct, alloc in rows
    }


def _metrics(
    con, relation: str, wanted: dict[str, tuple[str, str]], first: str, last: str
) -> dict[tuple, dict]:
    """metric_code → (key, 'numerator'|'denominator') from a long int_dept_metrics__* model."""
    codes = sorted({code for code in wanted})
    marks = ", ".join("?" for _ in codes)
    rows = con.execute(
        f"SELECT period, perf_dept_code, metric_code, sum(numerator), sum(denominator) FROM {relation} "
        f"WHERE period BETWEEN ? AND ? AND metric_code IN ({marks}) GROUP BY 1, 2, 3",
        [first, last, *codes],
    ).fetchall()
    out: dict[tuple, dict] = {}
    for p, d, code, num, den in rows:
        key, part = wanted[code]
        out.setdefault((p, d), {})[key] = num if part == "numerator" else den
    return out


def _points(con, first: str, last: str) -> dict[tuple, dict]:
    rows = con.execute(
        f"SELECT period, perf_dept_code, sum(points) FROM {POINTS_MART} WHERE period BETWEEN ? AND ? GROUP BY 1, 2",
        [first, last],
    ).fetchall()
    return {(p, d): {"points": pts} for p, d, pts in rows}


def load_business(con, months: list[str]) -> BusinessReport:
    depts = load_departments(con)
    first, last = months[0], months[-1]
    sources: list[tuple[tuple[str, ...], dict[tuple, dict]]] = []
    missing: list[str] = []

    if has(con, CHARGE_LINES):
        with_classes = has(con, FEE_POLICY)
        keys = REVENUE_KEYS + (CLASS_KEYS if with_classes else ())
        sources.append((keys, _revenue(con, first, last, with_classes)))
        if not with_classes:
            missing.append(f"收费类别分类 {FEE_POLICY} 不存在：按收费类别的收入栏目为空")
    else:
        missing.append(f"收费明细 {CHARGE_LINES} 不存在：医疗收入栏目为空")
    if has(con, DEPT_COSTS) and has(con, CODE_MAP):
        sources.append((COST_KEYS, _costs(con, first, last)))
    else:
        missing.append(f"科室成本 {DEPT_COSTS} 或科室对照 {CODE_MAP} 不存在：成本栏目为空")
    for relation, wanted, what in (
        (OUTPATIENT, {"outpatient_visits": ("op_visits", "numerator")}, "门急诊人次"),
        (INPATIENT, {"discharges": ("discharges", "numerator"), "surgeries": ("surgeries", "numerator")},
         "出院人次、手术台次"),
        (BEDS, {"bed_use_rate": ("open_bed_days", "denominator"),
                "occupied_bed_days": ("occupied_bed_days", "numerator")}, "床日"),
    ):  # fmt: skip
        if has(con, relation):
            sources.append(
                (tuple(k for k, _ in wanted.values()), _metrics(con, relation, wanted, first, last))
            )
        else:
            missing.append(f"{relation} 不存在：{what}栏目为空")
    if has(con, POINTS_MART):
        sources.append((("points",), _points(con, first, last)))
    else:
        missing.append(f"{POINTS_MART} 不存在：工作量点数栏目为空")
    if not sources:
        raise ReportError(
            "经营分析所需的数据表都不存在（收费明细、科室成本、工作量）：请先运行流水线（jixiao run）"
        )

    available = {k for keys, _ in sources for k in keys}
    with_data = {key for _, data in sources for key in data}
    data_months = sorted({p for p, _ in with_data})
    if not data_months:
        raise ReportError(
            f"{period_label(months)}（{period_slug(months)}）没有经营数据（收入、成本、工作量均无记录）："
            f"请先运行流水线（jixiao run --period {first}" + (f" --to {last}" if last != first else "") + "）"
        )

    units = [d.code for d in depts.values() if d.is_accounting_unit]
    detail: list[dict] = []
    for period in data_months:
        codes = set(units) | {d for p, d in with_data if p == period}
        for code in sorted(codes, key=dept_sort_key):
            rec = _record(period, department(depts, code), available)
            for _, data in sources:
                for k, v in data.get((period, code), {}).items():
                    rec[k] = dec(v)
            _derive(rec)
            detail.append(rec)
    summary = []
    for period in data_months:
        t = totals_of([r for r in detail if r["period"] == period], METRIC_COLS, "period", period)
        summary.append(t)
    total = totals_of(detail, METRIC_COLS, "period", "合计")
    return BusinessReport(months, data_months, detail, summary, total, missing)


def _record(period: str, d: Department, available: set[str]) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "period": period,
        "dept_code": d.code,
        "dept_name": d.name,
        "category": d.category,
        "group": d.group,
    }
    for k in SUM_KEYS:
        rec[k] = Decimal(0) if k in available else None
    return rec


def _derive(rec: dict) -> None:
    for c in METRIC_COLS:
        if c.total == "ratio" and c.ratio:
            rec[c.key] = ratio(rec.get(c.ratio[0]), rec.get(c.ratio[1]))
        elif callable(c.total):
            rec[c.key] = c.total(rec)


# ------------------------------------------------------------------------------------------------
# Workbook


def build_workbook(report: BusinessReport, generated_at: datetime | None = None):
    from openpyxl import Workbook

    generated = generated_text(generated_at)
    label = period_label(report.months)
    info = f"医院：{hospital_name()}　　期间：{label}　　生成时间：{generated}"
    wb = Workbook()
    wb.remove(wb.active)
    write_table(
        wb,
        SUMMARY_SHEET,
        f"{TITLE}（全院汇总）",
        info,
        "注：金额单位为元；各月数值 = 当月「科室明细」各科室之和（含未对照科室），比率按合计数重算；"
        "收入按开单科室归属，成本为成本系统科室全成本（三级分摊后）。",
        SUMMARY_COLS,
        report.summary,
        freeze_cols=1,
        generated=generated,
        header_right=label,
        totals=report.total,
    )
    write_table(
        wb,
        DETAIL_SHEET,
        f"{TITLE}（科室明细）",
        info,
        "注：每行为一个科室一个月；「（未对照科室）」为来源科室未建立科室对照的数据；末行合计 = 全院合计；"
        "分摊成本为三级分摊净额，分摊转出的科室为负数。",
        DETAIL_COLS,
        report.detail,
        freeze_cols=3,
        generated=generated,
        header_right=label,
        totals={**report.total, "period": "合计"},
    )
    notes = [
        ("报表", f"{TITLE}：医疗收入、成本与工作量，按科室 × 月份"),
        ("期间", f"{label}（{', '.join(report.months)}）"),
        ("生成时间", generated),
    ]
    if report.warehouse:
        notes.append(("数据仓库", report.warehouse))
    if report.empty_months:
        notes.append(("无数据的月份", "、".join(report.empty_months) + "（未列入报表）"))
    for m in report.missing:
        notes.append(("缺少的数据", m))
    notes.extend(COLUMN_NOTES)
    write_notes(wb, NOTES_SHEET, f"{TITLE}说明", notes, generated, label)
    wb.properties.title = f"{TITLE} {period_slug(report.months)}"
    wb.properties.creator = "Jixiao"
    return wb


@dataclass(frozen=True)
class BusinessResult:
    path: Path
    report: BusinessReport


def default_output(months: list[str]) -> Path:
    return Path(f"{TITLE}_{period_slug(months)}.xlsx")


def write_business_report(
    warehouse: Path | str, period: str, to: str | None = None, out: Path | str | None = None
) -> BusinessResult:
    """Read the warehouse (read-only) and write the workbook; raises ReportError."""
    months = month_range(period, to)
    with open_warehouse(warehouse) as con:
        report = load_business(con, months)
    report.warehouse = str(warehouse)
    path = Path(out) if out is not None else default_output(months)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(build_workbook(report), path)
    return BusinessResult(path, report)
