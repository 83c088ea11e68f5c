"""绩效报表 (performance report): bonus, KPI and workload by person, department and month.

``jixiao report performance --period P [--to Q] [--dept D]`` writes one xlsx with the sheets

=============  ====================================================================================
sheet          source (read-only)
=============  ====================================================================================
汇总           per month: the sums of 科室奖金 and 个人奖金 below (科室数, 点数, 奖金, 在岗人数, 人均,
               二次分配建议, 实发)
科室奖金       ``marts.fct_dept_bonus_summary`` (period × department: points, KPI coefficient, bonus,
               headcount, per capita, previous month) + 点单价 from ``marts.fct_bonus_pool`` (period ×
               the department's 核算分组) + KPI 得分 from ``marts.fct_kpi_dept_summary``
个人奖金       ``marts.fct_allocation_suggestions`` (二次分配建议, period × department × person) joined
               (full outer) on period × 发放科室 × 工号 with the approved ``allocation`` lines of
               ``marts.fct_staff_bonus``; its 划拨, 补录 and 科室留存 lines follow as their own rows
KPI考核        ``marts.fct_kpi_dept_summary`` (scheme, total score, indicator counts, coefficient)
KPI指标明细    ``marts.fct_kpi_scores`` (one row per indicator)
个人工作量     ``marts.fct_doctor_workload_points`` pivoted by role (开单, 执行, 护理, 麻醉, 手术室护理)
说明           period, department, generated time, sources
=============  ====================================================================================

``--dept`` (绩效科室编码 or exact name, checked against ``marts.dim_department``) restricts every
sheet to that department: its own row(s) in 科室奖金 / KPI, the people its pool pays (发放科室) in
个人奖金, the people whose points it earned in 个人工作量 — a 科主任's own report.

Totals: 科室奖金 合计 = Σ rows (points, bonus, headcount; 人均 = Σ奖金 ÷ Σ人数); 个人奖金 合计 = Σ 建议
and Σ 实发 (= Σ fct_staff_bonus.amount of the paying departments). A mart that is missing leaves its
sheet with a note; numbers are read from the marts, never recomputed (except sums and 人均 of totals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.produced_files import save_workbook
from orchestration.reports.common import (
    COEF,
    COUNT,
    MONEY,
    NUMBER,
    POINTS,
    RATIO,
    SCORE,
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
    resolve_department,
    totals_of,
    write_notes,
    write_table,
)

TITLE = "绩效报表"
SUMMARY_SHEET, DEPT_SHEET, STAFF_SHEET = "汇总", "科室奖金", "个人奖金"
KPI_SHEET, KPI_DETAIL_SHEET, WORKLOAD_SHEET, NOTES_SHEET = "KPI考核", "KPI指标明细", "个人工作量", "说明"

DEPT_SUMMARY = "marts.fct_dept_bonus_summary"
BONUS_POOL = "marts.fct_bonus_pool"
KPI_SUMMARY = "marts.fct_kpi_dept_summary"
KPI_SCORES = "marts.fct_kpi_scores"
SUGGESTIONS = "marts.fct_allocation_suggestions"
STAFF_BONUS = "marts.fct_staff_bonus"
DOCTOR_POINTS = "marts.fct_doctor_workload_points"

BASIS_LABELS = {"points": "按点数", "per_capita": "按人均"}
LINE_KINDS = {"allocation": "二次分配", "transfer": "划拨", "supplement": "补录", "dept_reserve": "科室留存"}
LINE_ORDER = {"allocation": 0, "transfer": 1, "supplement": 2, "dept_reserve": 3}
ROLES = {
    "ordering": "开单",
    "executing": "执行",
    "nursing": "护理",
    "anaesthesia": "麻醉",
    "or_nursing": "手术室护理",
}
SCORE_STATUS = {"ok": "已评分"}
TARGET_SOURCES = {"filed": "科室填报", "suggested": "建议目标"}


def _per_capita(t: dict) -> Decimal | None:
    r = ratio(t.get("dept_bonus"), t.get("headcount"))
    return None if r is None else r.quantize(Decimal("0.01"))


DEPT_ID_COLS = (
    Col("期间", "period", None, 9),
    Col("科室编码", "dept_code", None, 9),
    Col("科室名称", "dept_name", None, 14),
)
SUMMARY_COLS = (
    Col("期间", "period", None, 10),
    Col("科室数", "dept_count", COUNT, 8),
    Col("工作量点数", "points", POINTS, 14, None, "sum"),
    Col("科室奖金合计", "dept_bonus", MONEY, 16, None, "sum"),
    Col("在岗人数", "headcount", COUNT, 10, None, "sum"),
    Col("人均奖金", "per_capita", MONEY, 13, None, _per_capita),
    Col("二次分配建议合计", "suggested", MONEY, 16, None, "sum"),
    Col("个人奖金实发合计", "paid", MONEY, 16, None, "sum"),
)
DEPT_COLS = (
    *DEPT_ID_COLS,
    Col("科室类别", "category", None, 9),
    Col("核算分组", "group", None, 9),
    Col("核算方式", "basis", None, 8),
    Col("工作量点数", "points", POINTS, 13, None, "sum"),
    Col("点单价", "point_price", COEF, 10),
    Col("KPI 得分", "kpi_score", SCORE, 9),
    Col("KPI 系数", "kpi_coefficient", COEF, 9),
    Col("KPI 完整", "kpi_complete", None, 7),
    Col("科室奖金", "dept_bonus", MONEY, 14, None, "sum"),
    Col("在岗人数", "headcount", COUNT, 8, None, "sum"),
    Col("人均奖金", "per_capita", MONEY, 12, None, _per_capita),
    Col("上月奖金", "prev_bonus", MONEY, 14, None, "sum"),
    Col("环比", "mom_change", RATIO, 9),
    Col("未对照收费占比", "unmapped_share", RATIO, 9),
)
STAFF_COLS = (
    *DEPT_ID_COLS,
    Col("工号", "staff_id", None, 9),
    Col("姓名", "staff_name", None, 9),
    Col("岗位类别", "post_category", None, 9),
    Col("职称", "title", None, 11),
    Col("职务", "position", None, 8),
    Col("出勤天数", "attendance_days", NUMBER, 8),
    Col("岗位系数", "post_coefficient", COEF, 8),
    Col("出勤系数", "attendance_coefficient", COEF, 8),
    Col("个人点数", "staff_points", POINTS, 11),
    Col("建议金额", "suggested", MONEY, 13, None, "sum"),
    Col("实发金额", "paid", MONEY, 13, None, "sum"),
    Col("类型", "kind", None, 9),
    Col("状态", "status", None, 8),
    Col("说明", "note", None, 22),
)
KPI_COLS = (
    *DEPT_ID_COLS,
    Col("考核方案", "scheme_name", None, 24),
    Col("方案满分", "scheme_score", SCORE, 8),
    Col("综合得分", "total_score", SCORE, 9),
    Col("指标数", "indicator_count", COUNT, 7),
    Col("已评分", "scored", COUNT, 7),
    Col("缺数", "missing", COUNT, 6),
    Col("缺目标", "no_target", COUNT, 7),
    Col("其他未评分", "other_unscored", COUNT, 8),
    Col("完整性", "completeness", None, 8),
    Col("KPI 系数", "kpi_coefficient", COEF, 9),
)
KPI_DETAIL_COLS = (
    *DEPT_ID_COLS,
    Col("指标编码", "indicator_code", None, 8),
    Col("指标名称", "indicator_name", None, 22),
    Col("类别", "category", None, 9),
    Col("单位", "unit", None, 6),
    Col("实际值", "actual", NUMBER, 11),
    Col("目标值", "target", NUMBER, 11),
    Col("目标来源", "target_source", None, 9),
    Col("权重", "weight", SCORE, 7),
    Col("得分", "score", SCORE, 8),
    Col("加权得分", "weighted_score", SCORE, 9),
    Col("状态", "score_status", None, 8),
    Col("同组排名", "peer_rank", None, 8),
)
WORKLOAD_COLS = (
    *DEPT_ID_COLS,
    Col("工号", "staff_id", None, 9),
    Col("姓名", "staff_name", None, 9),
    Col("人员类别", "staff_type", None, 8),
    *(
        Col(f"{name}点数", f"pts_{role}", POINTS, 11, "工作量点数（按角色）", "sum")
        for role, name in ROLES.items()
    ),
    Col("合计点数", "pts_total", POINTS, 12, "工作量点数（按角色）", "sum"),
)


@dataclass
class PerformanceReport:
    months: list[str]
    dept: Department | None
    summary: list[dict]
    summary_total: dict
    depts: list[dict]
    staff: list[dict]
    kpi: list[dict]
    kpi_detail: list[dict]
    workload: list[dict]
    notes: dict[str, str] = field(default_factory=dict)  # sheet → why it is empty
    warehouse: str = ""

    @property
    def scope(self) -> str:
        return "全院" if self.dept is None else f"{self.dept.code} {self.dept.name}"


# ------------------------------------------------------------------------------------------------
# Reading


def _fetch(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _where(first: str, last: str, dept: str | None, col: str = "perf_dept_code", period: str = "period"):
    sql = f"{period} BETWEEN ? AND ?"
    params: list[Any] = [first, last]
    if dept is not None:
        sql += f" AND {col} = ?"
        params.append(dept)
    return sql, params


def _named(rec: dict, depts: dict[str, Department], code_key: str = "dept_code") -> dict:
    d = department(depts, rec.get(code_key))
    rec["dept_code"], rec["dept_name"] = d.code, rec.get("dept_name") or d.name
    return rec


def _dept_rows(con, depts, first, last, dept) -> list[dict]:
    where, params = _where(first, last, dept, "s.perf_dept_code", "s.period")
    pool = (
        f"LEFT JOIN {BONUS_POOL} AS p ON p.period = s.period AND p.accounting_group = s.accounting_group"
        if has(con, BONUS_POOL)
        else ""
    )
    kpi = (
        f"LEFT JOIN (SELECT period, perf_dept_code, max(total_score) AS total_score FROM {KPI_SUMMARY} "
        "GROUP BY 1, 2) AS k ON k.period = s.period AND k.perf_dept_code = s.perf_dept_code"
        if has(con, KPI_SUMMARY)
        else ""
    )
    rows = _fetch(
        con,
        f"""
        SELECT s.period, s.perf_dept_code AS dept_code, s.perf_dept_name AS dept_name,
               s.dept_category AS category, s.accounting_group AS "group", s.basis,
               s.points, {"p.point_price" if pool else "NULL"} AS point_price,
               {"k.total_score" if kpi else "NULL"} AS kpi_score,
               s.kpi_coefficient, s.kpi_complete, s.dept_bonus, s.headcount, s.per_capita_bonus AS per_capita,
               s.prev_dept_bonus AS prev_bonus, s.mom_change, s.unmapped_share
        FROM {DEPT_SUMMARY} AS s {pool} {kpi}
        WHERE {where}
        ORDER BY s.period, s.perf_dept_code
        """,
        params,
    )
    for r in rows:
        _named(r, depts)
        r["basis"] = BASIS_LABELS.get(r["basis"], r["basis"])
        r["kpi_complete"] = None if r["kpi_complete"] is None else ("是" if r["kpi_complete"] else "否")
    return rows


def _staff_rows(con, depts, first, last, dept) -> list[dict]:
    have_s, have_b = has(con, SUGGESTIONS), has(con, STAFF_BONUS)
    if not have_s and not have_b:
        return []
    s_where, s_params = _where(first, last, dept)
    b_where, b_params = _where(first, last, dept, "paying_dept_code")
    empty_s = (
        "SELECT NULL::varchar AS period, NULL::varchar AS perf_dept_code, NULL::varchar AS perf_dept_name, "
        "NULL::varchar AS staff_id, NULL::varchar AS staff_name, NULL::varchar AS post_category, "
        "NULL::varchar AS title, NULL::varchar AS position, NULL::decimal(18,2) AS attendance_days, "
        "NULL::decimal(9,4) AS post_coefficient, NULL::decimal(9,4) AS attendance_coefficient, "
        "NULL::decimal(18,4) AS staff_points, NULL::decimal(18,2) AS suggested_amount WHERE false"
    )
    empty_b = (
        "SELECT NULL::varchar AS period, NULL::varchar AS paying_dept_code, NULL::varchar AS home_dept_code, "
        "NULL::varchar AS line_type, NULL::varchar AS line_ref, NULL::varchar AS staff_id, "
        "NULL::varchar AS staff_name, NULL::decimal(18,2) AS amount, NULL::decimal(18,2) AS suggested_amount, "
        "NULL::varchar AS version_id, NULL::varchar AS reason WHERE false"
    )
    s_sql = (
        f"SELECT period, perf_dept_code, perf_dept_name, staff_id, staff_name, post_category, title, position, "
        f"attendance_days, post_coefficient, attendance_coefficient, staff_points, suggested_amount "
        f"FROM {SUGGESTIONS} WHERE {s_where}"
        if have_s
        else empty_s
    )
    b_sql = (
        f"SELECT period, paying_dept_code, home_dept_code, line_type, line_ref, staff_id, staff_name, amount, "
        f"suggested_amount, version_id, reason FROM {STAFF_BONUS} WHERE {b_where}"
        if have_b
        else empty_b
    )
    params = (s_params if have_s else []) + (b_params if have_b else [])
    rows = _fetch(
        con,
        f"""
        WITH s AS ({s_sql}),
        b AS ({b_sql}),
        alloc AS (
            SELECT period, paying_dept_code, staff_id, max(staff_name) AS staff_name, sum(amount) AS amount,
                   max(suggested_amount) AS suggested_amount, string_agg(DISTINCT reason, '；') AS reason
            FROM b WHERE line_type = 'allocation' GROUP BY 1, 2, 3
        ),
        approved AS (
            SELECT DISTINCT period, paying_dept_code FROM b WHERE line_type IN ('allocation', 'transfer', 'dept_reserve')
        ),
        names AS (
            SELECT staff_id, max(staff_name) AS staff_name FROM (
                SELECT staff_id, staff_name FROM s UNION ALL SELECT staff_id, staff_name FROM b
            ) WHERE staff_name IS NOT NULL GROUP BY 1
        ),
        people AS (
            SELECT coalesce(s.period, a.period) AS period,
                   coalesce(s.perf_dept_code, a.paying_dept_code) AS dept_code,
                   s.perf_dept_name AS dept_name,
                   coalesce(s.staff_id, a.staff_id) AS staff_id,
                   coalesce(s.staff_name, a.staff_name) AS staff_name,
                   s.post_category, s.title, s.position, s.attendance_days, s.post_coefficient,
                   s.attendance_coefficient, s.staff_points,
                   coalesce(s.suggested_amount, a.suggested_amount) AS suggested,
                   a.amount AS paid, 'allocation' AS line_type, NULL::varchar AS home_dept_code,
                   a.reason AS note
            FROM s FULL OUTER JOIN alloc AS a
              ON a.period = s.period AND a.paying_dept_code = s.perf_dept_code AND a.staff_id = s.staff_id
        ),
        other AS (
            SELECT b.period, b.paying_dept_code AS dept_code, NULL::varchar AS dept_name, b.staff_id,
                   coalesce(b.staff_name, n.staff_name) AS staff_name,
                   NULL::varchar, NULL::varchar, NULL::varchar, NULL::decimal(18,2), NULL::decimal(9,4),
                   NULL::decimal(9,4), NULL::decimal(18,4),
                   b.suggested_amount, b.amount, b.line_type, b.home_dept_code, b.reason
            FROM b LEFT JOIN names AS n ON n.staff_id = b.staff_id
            WHERE b.line_type <> 'allocation'
        )
        SELECT x.*, ap.period IS NOT NULL AS approved
        FROM (SELECT * FROM people UNION ALL SELECT * FROM other) AS x
        LEFT JOIN approved AS ap ON ap.period = x.period AND ap.paying_dept_code = x.dept_code
        """,
        params,
    )
    for r in rows:
        _named(r, depts)
        kind = r.pop("line_type")
        home = r.pop("home_dept_code")
        approved = r.pop("approved")
        r["_order"] = LINE_ORDER.get(kind, 9)
        r["kind"] = LINE_KINDS.get(kind, kind)
        if kind == "transfer" and home:
            h = department(depts, home)
            r["kind"] = f"划拨（{h.name}）"
        if kind == "dept_reserve":
            r["staff_name"] = r["staff_name"] or "（科室留存）"
        if kind == "supplement":
            r["status"] = "补录"
        elif approved:
            r["status"] = "已审批"
            if r["paid"] is None:
                r["note"] = r["note"] or "已审批版本中无此人"
        else:
            r["status"] = "待审批"
    rows.sort(key=lambda r: (r["period"], dept_sort_key(r["dept_code"]), r["_order"], r["staff_id"] or ""))
    return rows


def _kpi_rows(con, depts, first, last, dept) -> list[dict]:
    where, params = _where(first, last, dept)
    rows = _fetch(
        con,
        f"""
        SELECT period, perf_dept_code AS dept_code, scheme_name, scheme_score, total_score, indicator_count,
               scored_indicators AS scored, missing_indicators AS missing, no_target_indicators AS no_target,
               other_unscored_indicators AS other_unscored, completeness, kpi_coefficient
        FROM {KPI_SUMMARY} WHERE {where} ORDER BY period, perf_dept_code, scheme_code
        """,
        params,
    )
    return [_named(r, depts) for r in rows]


def _kpi_detail_rows(con, depts, first, last, dept) -> list[dict]:
    where, params = _where(first, last, dept)
    rows = _fetch(
        con,
        f"""
        SELECT period, perf_dept_code AS dept_code, perf_dept_name AS dept_name, indicator_code, indicator_name,
               category, unit, actual, target, target_source, weight, score, weighted_score, score_status,
               peer_rank, peer_count
        FROM {KPI_SCORES} WHERE {where} ORDER BY period, perf_dept_code, indicator_code
        """,
        params,
    )
    for r in rows:
        _named(r, depts)
        if (r["unit"] or "").strip() == "比例":  # stored as a fraction: print as a percentage
            r["_fmt"] = {"actual": RATIO, "target": RATIO}
        r["target_source"] = TARGET_SOURCES.get(r["target_source"], r["target_source"])
        r["score_status"] = SCORE_STATUS.get(r["score_status"], r["score_status"])
        rank, count = r.pop("peer_rank"), r.pop("peer_count")
        r["peer_rank"] = None if rank is None else (f"{rank}/{count}" if count else str(rank))
    return rows


def _workload_rows(con, depts, first, last, dept) -> list[dict]:
    where, params = _where(first, last, dept)
    known = ", ".join(f"'{r}'" for r in ROLES)
    pivots = ", ".join(
        f"sum(CASE WHEN role = '{role}' THEN points ELSE 0 END) AS pts_{role}" for role in ROLES
    )
    rows = _fetch(
        con,
        f"""
        SELECT period, perf_dept_code AS dept_code, staff_id, max(staff_name) AS staff_name,
               max(staff_type) AS staff_type, {pivots}, sum(points) AS pts_total,
               sum(CASE WHEN role NOT IN ({known}) THEN points ELSE 0 END) AS pts_other
        FROM {DOCTOR_POINTS} WHERE {where}
        GROUP BY 1, 2, 3
        """,
        params,
    )
    for r in rows:
        _named(r, depts)
    rows.sort(
        key=lambda r: (r["period"], dept_sort_key(r["dept_code"]), -dec(r["pts_total"]), r["staff_id"] or "")
    )
    return rows


def load_performance(con, months: list[str], dept: str | None = None) -> PerformanceReport:
    depts = load_departments(con)
    chosen = resolve_department(depts, dept) if dept is not None else None
    code = chosen.code if chosen else None
    first, last = months[0], months[-1]
    notes: dict[str, str] = {}

    def read(relation: str, sheet: str, reader) -> list[dict]:
        if not has(con, relation):
            notes[sheet] = f"{relation} 不存在：请先运行流水线（jixiao run）"
            return []
        return reader(con, depts, first, last, code)

    dept_rows = read(DEPT_SUMMARY, DEPT_SHEET, _dept_rows)
    if not has(con, SUGGESTIONS) and not has(con, STAFF_BONUS):
        notes[STAFF_SHEET] = f"{SUGGESTIONS} 与 {STAFF_BONUS} 都不存在：请先运行 jixiao bonus run"
        staff_rows = []
    else:
        staff_rows = _staff_rows(con, depts, first, last, code)
    kpi_rows = read(KPI_SUMMARY, KPI_SHEET, _kpi_rows)
    kpi_detail = read(KPI_SCORES, KPI_DETAIL_SHEET, _kpi_detail_rows)
    workload = read(DOCTOR_POINTS, WORKLOAD_SHEET, _workload_rows)
    if len(notes) == 5:
        raise ReportError(
            "绩效数据表都不存在（科室奖金、二次分配、KPI、工作量点数）：请先运行流水线（jixiao run）"
        )
    if not (dept_rows or staff_rows or kpi_rows or kpi_detail or workload):
        label = period_label(months)
        run = (
            f"jixiao bonus run --period {first}"
            if first == last
            else f"jixiao run --period {first} --to {last}"
        )
        who = f"科室 {chosen.code} {chosen.name} 在{label}" if chosen else label
        raise ReportError(
            f"{who}没有绩效数据（科室奖金、二次分配、KPI 考核、工作量点数均无记录）：请先运行 {run}"
        )

    summary = []
    for period in months:
        ds = [r for r in dept_rows if r["period"] == period]
        ss = [r for r in staff_rows if r["period"] == period]
        if not ds and not ss:
            continue
        t = totals_of(ds, DEPT_COLS, "period", period)
        st = totals_of(ss, STAFF_COLS, "period", period)
        summary.append(
            {
                "period": period,
                "dept_count": len({r["dept_code"] for r in ds}),
                "points": t.get("points"),
                "dept_bonus": t.get("dept_bonus"),
                "headcount": t.get("headcount"),
                "per_capita": t.get("per_capita"),
                "suggested": st.get("suggested"),
                "paid": st.get("paid"),
            }
        )
    summary_total = totals_of(summary, SUMMARY_COLS, "period", "合计")
    for sheet, rows in ((SUMMARY_SHEET, summary), (STAFF_SHEET, staff_rows), (DEPT_SHEET, dept_rows),
                        (KPI_SHEET, kpi_rows), (KPI_DETAIL_SHEET, kpi_detail), (WORKLOAD_SHEET, workload)):  # fmt: skip
        if not rows and sheet not in notes:
            notes[sheet] = "所选期间" + ("（该科室）" if chosen else "") + "无数据"
    if STAFF_SHEET in notes and has(con, SUGGESTIONS) and has(con, STAFF_BONUS) and not staff_rows:
        notes[STAFF_SHEET] += "：二次分配建议需先运行 jixiao bonus run"
    return PerformanceReport(
        months, chosen, summary, summary_total, dept_rows, staff_rows, kpi_rows, kpi_detail, workload, notes
    )


# ------------------------------------------------------------------------------------------------
# Workbook


def build_workbook(report: PerformanceReport, generated_at: datetime | None = None):
    from openpyxl import Workbook

    generated = generated_text(generated_at)
    label = period_label(report.months)
    info = f"医院：{hospital_name()}　　期间：{label}　　科室：{report.scope}　　生成时间：{generated}"
    right = f"{label}　{report.scope}"
    wb = Workbook()
    wb.remove(wb.active)
    sheets = (
        (SUMMARY_SHEET, "汇总", SUMMARY_COLS, report.summary, 1, True,
         "注：各月数值 = 当月「科室奖金」「个人奖金」各行之和；人均奖金 = 科室奖金合计 ÷ 在岗人数；"
         "合计行的在岗人数为各月之和（人·月）。"),
        (DEPT_SHEET, "科室奖金", DEPT_COLS, report.depts, 3, True,
         "注：点单价为科室所在核算分组的点单价（fct_bonus_pool）；KPI 得分、系数见「KPI考核」；"
         "环比 = 本月 ÷ 上月 − 1；合计行的人均奖金 = 奖金合计 ÷ 人数合计。"),
        (STAFF_SHEET, "个人奖金（二次分配）", STAFF_COLS, report.staff, 5, True,
         "注：建议金额来自二次分配建议；实发金额为已审批的二次分配、划拨、补录与科室留存（fct_staff_bonus）；"
         "待审批的科室只有建议金额。科室 = 发放科室。"),
        (KPI_SHEET, "KPI 考核汇总", KPI_COLS, report.kpi, 3, False,
         "注：综合得分 = 各指标加权得分之和；KPI 系数按系数规则由综合得分换算（上下限封顶）；完整性为「不完整」时见指标明细。"),
        (KPI_DETAIL_SHEET, "KPI 指标明细", KPI_DETAIL_COLS, report.kpi_detail, 5, False,
         "注：单位为「比例」的指标实际值、目标值以百分比显示；状态：已评分、缺数（无实际值）、缺目标（无目标值或参数）、无分段。"),
        (WORKLOAD_SHEET, "个人工作量点数", WORKLOAD_COLS, report.workload, 5, True,
         "注：开单角色计入开单医生，其余角色计入执行人；科室为点数归属的绩效科室（同一人可在多个科室出现）。"),
    )  # fmt: skip
    for sheet, heading, cols, rows, freeze, with_totals, note in sheets:
        if sheet == SUMMARY_SHEET:
            totals = report.summary_total
        else:
            totals = totals_of(rows, cols, "period", "合计") if with_totals else None
        write_table(
            wb,
            sheet,
            f"{TITLE}（{heading}）",
            info,
            note,
            cols,
            rows,
            freeze_cols=freeze,
            generated=generated,
            header_right=right,
            totals=totals,
            empty_text=report.notes.get(sheet, "所选期间无数据"),
        )
    notes = [
        ("报表", f"{TITLE}：科室奖金、个人奖金（二次分配）、KPI 考核与个人工作量点数，按人员 × 科室 × 月份"),
        ("期间", f"{label}（{', '.join(report.months)}）"),
        ("科室范围", report.scope),
        ("生成时间", generated),
    ]
    if report.warehouse:
        notes.append(("数据仓库", report.warehouse))
    for sheet, why in report.notes.items():
        notes.append((f"「{sheet}」无数据", why))
    notes.extend(
        (
            ("科室奖金", f"{DEPT_SUMMARY}（已发放期间读关账归档）；点单价 {BONUS_POOL}.point_price（按期间 × 核算分组）；"
             f"KPI 得分 {KPI_SUMMARY}.total_score"),
            ("个人奖金", f"建议：{SUGGESTIONS}.suggested_amount；实发：{STAFF_BONUS}.amount（仅已审批版本；划拨、补录、科室留存各占一行）；"
             "合计行实发 = 所列发放科室的个人奖金之和"),
            ("KPI考核 / KPI指标明细", f"{KPI_SUMMARY}；{KPI_SCORES}"),
            ("个人工作量", f"{DOCTOR_POINTS}，按角色（开单、执行、护理、麻醉、手术室护理）分列点数；合计点数为各角色之和"),
            ("科室名称", "marts.dim_department"),
        )
    )  # fmt: skip
    write_notes(wb, NOTES_SHEET, f"{TITLE}说明", notes, generated, right)
    wb.properties.title = f"{TITLE} {period_slug(report.months)} {report.scope}"
    wb.properties.creator = "Jixiao"
    return wb


@dataclass(frozen=True)
class PerformanceResult:
    path: Path
    report: PerformanceReport


def default_output(months: list[str], dept: Department | None) -> Path:
    suffix = f"_{dept.code}" if dept is not None else ""
    return Path(f"{TITLE}_{period_slug(months)}{suffix}.xlsx")


def write_performance_report(
    warehouse: Path | str,
    period: str,
    to: str | None = None,
    dept: str | None = None,
    out: Path | str | None = None,
) -> PerformanceResult:
    """Read the warehouse (read-only) and write the workbook; raises ReportError."""
    months = month_range(period, to)
    with open_warehouse(warehouse) as con:
        report = load_performance(con, months, dept)
    report.warehouse = str(warehouse)
    path = Path(out) if out is not None else default_output(months, report.dept)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(build_workbook(report), path)
    return PerformanceResult(path, report)
