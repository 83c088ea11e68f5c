"""The formatted Excel reports (经营分析报表, 绩效报表) on a tiny hand-made warehouse: the tables the
reports read, with the real column names and types (dbt contracts / a demo warehouse), and rows whose
sums are known by hand — so the totals are checked to the cent against independent numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from orchestration.cli import app

SCHEMAS = {
    "marts.dim_department": "perf_dept_code varchar, perf_dept_name varchar, dept_category varchar, parent_dept_code varchar, parent_dept_name varchar, accounting_group varchar, is_accounting_unit boolean, effective_from date, effective_to date",
    "intermediate.int_department__code_map": "source_system varchar, source_dept_code varchar, source_dept_name varchar, perf_dept_code varchar, effective_from date, effective_to date",
    "intermediate.int_charge_lines__enriched": "charge_line_id varchar, encounter_type varchar, encounter_id varchar, charge_item_code varchar, charge_item_name varchar, fee_category_code varchar, has_technical_value boolean, split_category varchar, standard_code varchar, match_method varchar, quantity decimal(18,4), unit_price decimal(18,4), amount decimal(18,2), is_refund boolean, original_charge_line_id varchar, ordering_his_dept_code varchar, ordering_perf_dept_code varchar, executing_his_dept_code varchar, executing_perf_dept_code varchar, ordering_doctor_id varchar, executor_id varchar, charged_at timestamp, charged_on date, period varchar",
    "seeds.fee_category_policy": "fee_category_code varchar, fee_category_name varchar, has_technical_value boolean, split_category varchar, revenue_class varchar, note varchar",
    "staging.stg_cost__dept_costs": "dept_cost_id varchar, cost_period varchar, cost_centre_code varchar, cost_item_code varchar, direct_cost decimal(18,2), allocated_admin_cost decimal(18,2), allocated_auxiliary_cost decimal(18,2), allocated_medtech_cost decimal(18,2), modified_at timestamp, source_partition varchar, batch_id varchar, extracted_at timestamp",
    "intermediate.int_dept_metrics__outpatient": "perf_dept_code varchar, period varchar, metric_code varchar, numerator decimal(18,4), denominator decimal(18,4)",
    "intermediate.int_dept_metrics__inpatient": "perf_dept_code varchar, period varchar, metric_code varchar, numerator decimal(18,4), denominator decimal(18,4)",
    "intermediate.int_dept_metrics__beds": "perf_dept_code varchar, period varchar, metric_code varchar, numerator decimal(18,4), denominator decimal(18,4)",
    "marts.fct_workload_points": "perf_dept_code varchar, period varchar, role varchar, points decimal(18,4), line_count bigint, amount decimal(18,2), scored_amount decimal(18,2)",
    "marts.fct_dept_bonus_summary": "period varchar, perf_dept_code varchar, perf_dept_name varchar, dept_category varchar, accounting_group varchar, basis varchar, dept_bonus decimal(18,2), headcount integer, per_capita_bonus decimal(18,2), points decimal(18,4), kpi_coefficient decimal(9,4), kpi_complete boolean, charge_amount decimal(18,2), unmapped_amount decimal(18,2), unmapped_share decimal(9,4), prev_dept_bonus decimal(18,2), mom_change decimal(18,4)",
    "marts.fct_bonus_pool": "period varchar, accounting_group varchar, scheme_code varchar, pool_method varchar, medical_revenue decimal(18,2), controllable_cost decimal(18,2), pool_amount decimal(18,2), pool_share decimal(9,4), group_budget decimal(18,2), basis varchar, point_price_mode varchar, closing_mode varchar, group_points decimal(18,4), group_headcount integer, point_price decimal(18,6), dept_bonus_total decimal(18,2), reserve_amount decimal(18,2)",
    "marts.fct_kpi_dept_summary": "scheme_code varchar, scheme_name varchar, perf_dept_code varchar, period varchar, scheme_score decimal(9,4), total_score decimal(18,4), indicator_count integer, scored_indicators integer, missing_indicators integer, no_target_indicators integer, other_unscored_indicators integer, completeness varchar, coefficient_rule varchar, kpi_coefficient decimal(9,4)",
    "marts.fct_kpi_scores": "scheme_code varchar, perf_dept_code varchar, perf_dept_name varchar, period varchar, indicator_code varchar, indicator_name varchar, category varchar, unit varchar, method varchar, direction varchar, actual decimal(18,4), target decimal(18,4), target_source varchar, baseline decimal(18,4), best decimal(18,4), reference_value decimal(18,4), points decimal(18,4), weight decimal(18,4), raw_score decimal(18,4), score decimal(18,4), weighted_score decimal(18,4), score_status varchar, peer_rank bigint, peer_count bigint",
    "marts.fct_allocation_suggestions": "period varchar, perf_dept_code varchar, perf_dept_name varchar, staff_id varchar, staff_name varchar, post_category varchar, title varchar, position varchar, attendance_days decimal(18,2), days_in_month integer, expected_days decimal(18,2), post_coefficient decimal(9,4), attendance_coefficient decimal(9,4), staff_points decimal(18,4), points_factor decimal(9,4), is_manager boolean, management_amount decimal(18,2), suggested_amount decimal(18,2), dept_pool decimal(18,2)",
    "marts.fct_staff_bonus": "period varchar, paying_dept_code varchar, home_dept_code varchar, line_type varchar, line_ref varchar, staff_id varchar, staff_name varchar, amount decimal(18,2), suggested_amount decimal(18,2), version_id varchar, reason varchar",
    "marts.fct_doctor_workload_points": "staff_id varchar, staff_name varchar, staff_type varchar, period varchar, role varchar, perf_dept_code varchar, points decimal(18,4), line_count bigint, amount decimal(18,2)",
}  # fmt: skip

D = Decimal
OPEN = ("2020-01-01", "9999-12-31")


def _dept(code, name, cat, group, unit=True, parent="D01"):
    return dict(perf_dept_code=code, perf_dept_name=name, dept_category=cat, parent_dept_code=parent,
                accounting_group=group, is_accounting_unit=unit, effective_from=OPEN[0], effective_to=OPEN[1])  # fmt: skip


def _line(i, period, dept, enc, fee, amount):
    return dict(charge_line_id=f"L{i}", encounter_type=enc, fee_category_code=fee, amount=amount,
                is_refund=amount < 0, ordering_perf_dept_code=dept, period=period,
                charged_at=f"{period}-15 10:00:00")  # fmt: skip


def _cost(i, period, centre, direct, admin=0, aux=0, medtech=0):
    return dict(dept_cost_id=f"C{i}", cost_period=period, cost_centre_code=centre, cost_item_code="0101",
                direct_cost=direct, allocated_admin_cost=admin, allocated_auxiliary_cost=aux,
                allocated_medtech_cost=medtech)  # fmt: skip


def _metric(dept, period, code, num, den=None):
    return dict(perf_dept_code=dept, period=period, metric_code=code, numerator=num, denominator=den)


def _summary(period, code, name, cat, group, bonus, head, per_capita, points, kpi, prev=None, mom=None,
             basis="points"):  # fmt: skip
    return dict(period=period, perf_dept_code=code, perf_dept_name=name, dept_category=cat, accounting_group=group,
                basis=basis, dept_bonus=bonus, headcount=head, per_capita_bonus=per_capita, points=points,
                kpi_coefficient=kpi, kpi_complete=kpi is not None, unmapped_share=D("0.0125"),
                prev_dept_bonus=prev, mom_change=mom)  # fmt: skip


def _suggest(period, dept, name, staff, staff_name, amount, pts):
    return dict(period=period, perf_dept_code=dept, perf_dept_name=name, staff_id=staff, staff_name=staff_name,
                post_category="医生", title="主治医师", attendance_days=22, days_in_month=31, expected_days=22,
                post_coefficient=D("1.2"), attendance_coefficient=1, staff_points=pts, suggested_amount=amount)  # fmt: skip


def _bonus(period, paying, home, kind, ref, staff, name, amount, suggested=None, version="V1", reason=None):
    return dict(period=period, paying_dept_code=paying, home_dept_code=home, line_type=kind, line_ref=ref,
                staff_id=staff, staff_name=name, amount=amount, suggested_amount=suggested, version_id=version,
                reason=reason)  # fmt: skip


def _points(staff, name, kind, period, role, dept, pts):
    return dict(staff_id=staff, staff_name=name, staff_type=kind, period=period, role=role, perf_dept_code=dept,
                points=pts, line_count=1, amount=10)  # fmt: skip


ROWS = {
    "marts.dim_department": [
        _dept("D01", "临床科室", "临床", None, unit=False, parent=None),
        _dept("D0101", "中医内科", "临床", "中医特色"),
        _dept("D0107", "心血管内科", "临床", "医生组"),
        _dept("D0202", "检验科", "医技", "医技组", parent="D02"),
        _dept("D0501", "院办", "行政后勤", "行政后勤", parent="D05"),
    ],
    "intermediate.int_department__code_map": [
        dict(source_system="cost", source_dept_code=c, perf_dept_code=d, effective_from=OPEN[0], effective_to=OPEN[1])
        for c, d in (("KS01", "D0101"), ("KS07", "D0107"), ("KS22", "D0202"), ("KS51", "D0501"))
    ] + [dict(source_system="his", source_dept_code="KS07", perf_dept_code="D0501", effective_from=OPEN[0],
              effective_to=OPEN[1])],  # another system's code never maps a cost centre
    "seeds.fee_category_policy": [
        dict(fee_category_code=c, fee_category_name=n, revenue_class=r)
        for c, n, r in (("02", "诊察费", "医疗服务"), ("03", "检查费", "检查"), ("04", "化验费", "化验"),
                        ("09", "材料费", "卫生材料"), ("10", "西药费", "药品"), ("11", "中成药费", "药品"),
                        ("13", "中医治疗费", "医疗服务"))
    ],
    "intermediate.int_charge_lines__enriched": [
        _line(1, "2025-10", "D0107", "ZY", "10", D("1000.50")),
        _line(2, "2025-10", "D0107", "MZ", "02", D("20.00")),
        _line(3, "2025-10", "D0107", "ZY", "04", D("300.25")),
        _line(4, "2025-10", "D0107", "ZY", "10", D("-100.10")),  # refund
        _line(5, "2025-10", "D0101", "MZ", "13", D("150.00")),
        _line(6, "2025-10", "D0101", "MZ", "09", D("45.55")),
        _line(7, "2025-10", None, "ZY", "03", D("88.88")),  # no 科室对照
        _line(8, "2025-10", "D0101", "MZ", "XX", D("12.34")),  # fee category not in the policy → 其他
        _line(9, "2025-11", "D0107", "MZ", "11", D("66.60")),
        _line(10, "2025-09", "D0107", "ZY", "10", D("999.99")),  # outside the period
    ],
    "staging.stg_cost__dept_costs": [
        _cost(1, "202510", "KS07", D("5000.00"), D("300.00"), D("0.00"), D("200.00")),
        _cost(2, "202510", "KS01", D("3000.00"), D("200.00"), D("0.00"), D("100.00")),
        _cost(3, "202510", "KS22", D("1000.00"), D("0.00"), D("0.00"), D("-300.00")),
        _cost(4, "202510", "KS51", D("500.00"), D("-500.00")),
        _cost(5, "202510", "KS99", D("10.01")),  # no 科室对照
        _cost(6, "202511", "KS07", D("5100.00")),
        _cost(7, "202509", "KS07", D("7777.77")),
    ],
    "intermediate.int_dept_metrics__outpatient": [
        _metric("D0107", "2025-10", "outpatient_visits", 30),
        _metric("D0101", "2025-10", "outpatient_visits", 12),
        _metric(None, "2025-10", "outpatient_visits", 2),
        _metric("D0107", "2025-10", "herbal_prescription_share", 3, 10),
        _metric("D0107", "2025-11", "outpatient_visits", 25),
    ],
    "intermediate.int_dept_metrics__inpatient": [
        _metric("D0107", "2025-10", "discharges", 5),
        _metric("D0107", "2025-10", "surgeries", 2),
        _metric("D0107", "2025-10", "avg_length_of_stay", 40, 5),
        _metric("D0101", "2025-10", "discharges", 1),
    ],
    "intermediate.int_dept_metrics__beds": [
        _metric("D0107", "2025-10", "occupied_bed_days", 100),
        _metric("D0107", "2025-10", "bed_use_rate", 100, 150),
        _metric("D0101", "2025-10", "occupied_bed_days", 20),
        _metric("D0101", "2025-10", "bed_use_rate", 20, 80),
    ],
    "marts.fct_workload_points": [
        dict(perf_dept_code="D0107", period="2025-10", role="ordering", points=D("100.1234")),
        dict(perf_dept_code="D0107", period="2025-10", role="executing", points=D("50.0001")),
        dict(perf_dept_code="D0202", period="2025-10", role="executing", points=D("80.5000")),
        dict(perf_dept_code=None, period="2025-10", role="executing", points=D("1.1111")),
        dict(perf_dept_code="D0107", period="2025-11", role="ordering", points=D("99.0000")),
    ],
    "marts.fct_dept_bonus_summary": [
        _summary("2025-10", "D0107", "心血管内科", "临床", "医生组", D("12000.01"), 3, D("4000.00"), D("150.1235"),
                 D("0.9500"), D("11000.00"), D("0.0909")),
        _summary("2025-10", "D0101", "中医内科", "临床", "中医特色", D("8000.00"), 2, D("4000.00"), D("60.0000"),
                 D("1.0000")),
        _summary("2025-10", "D0501", "院办", "行政后勤", "行政后勤", D("3000.00"), 1, D("3000.00"), D("0"), None,
                 basis="per_capita"),
        _summary("2025-11", "D0107", "心血管内科", "临床", "医生组", D("12500.00"), 3, D("4166.67"), D("149.0000"),
                 D("0.9800"), D("12000.01"), D("0.0417")),
    ],
    "marts.fct_bonus_pool": [
        dict(period="2025-10", accounting_group="医生组", point_price=D("79.932100")),
        dict(period="2025-10", accounting_group="中医特色", point_price=D("133.333333")),
        dict(period="2025-10", accounting_group="行政后勤", point_price=None),
    ],
    "marts.fct_kpi_dept_summary": [
        dict(scheme_code="S_DOC", scheme_name="医生组综合目标考核方案", perf_dept_code="D0107", period="2025-10",
             scheme_score=100, total_score=D("95.5000"), indicator_count=2, scored_indicators=2,
             missing_indicators=0, no_target_indicators=0, other_unscored_indicators=0, completeness="完整",
             kpi_coefficient=D("0.9550")),
        dict(scheme_code="S_TCM", scheme_name="中医特色考核方案", perf_dept_code="D0101", period="2025-10",
             scheme_score=100, total_score=D("60.0000"), indicator_count=2, scored_indicators=1,
             missing_indicators=1, no_target_indicators=0, other_unscored_indicators=0, completeness="不完整",
             kpi_coefficient=D("0.8500")),
    ],
    "marts.fct_kpi_scores": [
        dict(scheme_code="S_DOC", perf_dept_code="D0107", perf_dept_name="心血管内科", period="2025-10",
             indicator_code="K04", indicator_name="药占比", category="医疗质量", unit="比例", actual=D("0.3963"),
             target=D("0.3000"), target_source="suggested", weight=6, score=D("5.5000"), weighted_score=D("5.5000"),
             score_status="ok", peer_rank=2, peer_count=9),
        dict(scheme_code="S_DOC", perf_dept_code="D0107", perf_dept_name="心血管内科", period="2025-10",
             indicator_code="K12", indicator_name="人均工作量点数", category="运营效率", unit="点/人",
             actual=D("287.6375"), target=D("250"), target_source="filed", weight=90, score=90, weighted_score=90,
             score_status="ok", peer_rank=1, peer_count=9),
        dict(scheme_code="S_TCM", perf_dept_code="D0101", perf_dept_name="中医内科", period="2025-10",
             indicator_code="K02", indicator_name="平均住院日", category="医疗质量", unit="天", weight=8,
             score_status="缺数"),
    ],
    "marts.fct_allocation_suggestions": [
        _suggest("2025-10", "D0107", "心血管内科", "1001", "张三", D("6000.01"), D("80.1235")),
        _suggest("2025-10", "D0107", "心血管内科", "1002", "李四", D("4000.00"), D("50.0000")),
        _suggest("2025-10", "D0107", "心血管内科", "1003", "王五", D("2000.00"), D("20.0000")),
        _suggest("2025-10", "D0101", "中医内科", "2001", "赵六", D("5000.00"), D("40.0000")),
        _suggest("2025-10", "D0101", "中医内科", "2002", "钱七", D("3000.00"), D("20.0000")),
        _suggest("2025-10", "D0501", "院办", "5001", "孙八", D("3000.00"), D("0")),
    ],
    "marts.fct_staff_bonus": [
        # D0107's approved version: three people, 划拨 to 赵六 of 中医内科, 科室留存; later a 补录 for 李四
        _bonus("2025-10", "D0107", "D0107", "allocation", "1", "1001", "张三", D("6100.01"), D("6000.01")),
        _bonus("2025-10", "D0107", "D0107", "allocation", "2", "1002", "李四", D("3900.00"), D("4000.00")),
        _bonus("2025-10", "D0107", "D0107", "allocation", "3", "1003", "王五", D("1800.00"), D("2000.00")),
        _bonus("2025-10", "D0107", "D0101", "transfer", "4", "2001", "赵六", D("100.00"), reason="会诊协作"),
        _bonus("2025-10", "D0107", "D0107", "dept_reserve", "reserve", None, None, D("100.00"), reason="科室留存"),
        _bonus("2025-10", "D0107", "D0107", "supplement", "SUP1", "1002", None, D("50.00"), version=None,
               reason="夜班补发"),
    ],
    "marts.fct_doctor_workload_points": [
        _points("1001", "张三", "医生", "2025-10", "ordering", "D0107", D("100.1234")),
        _points("1001", "张三", "医生", "2025-10", "executing", "D0107", D("20.0000")),
        _points("1002", "李四", "医生", "2025-10", "executing", "D0107", D("30.0001")),
        _points("2001", "赵六", "医生", "2025-10", "executing", "D0101", D("40.0000")),
        _points("3001", "周九", "护士", "2025-10", "nursing", "D0101", D("20.0000")),
        _points("1001", "张三", "医生", "2025-11", "ordering", "D0107", D("99.0000")),
    ],
}  # fmt: skip


def _warehouse(path: Path, skip: tuple[str, ...] = ()) -> Path:
    con = duckdb.connect(str(path))
    try:
        for relation, cols in SCHEMAS.items():
            if relation in skip:
                continue
            schema = relation.split(".")[0]
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            con.execute(f"CREATE TABLE {relation} ({cols})")
            by_columns: dict[tuple, list[dict]] = {}
            for row in ROWS.get(relation, []):
                by_columns.setdefault(tuple(row), []).append(row)
            for names, rows in by_columns.items():
                con.executemany(
                    f"INSERT INTO {relation} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                    [[row[n] for n in names] for row in rows],
                )
    finally:
        con.close()
    return path


@pytest.fixture
def wh(tmp_path: Path, monkeypatch) -> Path:
    path = _warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(path))
    monkeypatch.setenv("JIXIAO_HOSPITAL_NAME", "某县中医院")
    return path


def _cli(*args: str):
    return CliRunner().invoke(app, list(args))


def _header(ws, row: int) -> list:
    return [c.value for c in ws[row]]


def _table(ws, header_row: int) -> tuple[list[str], list[dict], dict | None]:
    """(headers, record rows as dicts, the 合计 row or None) of a report sheet."""
    headers = [c.value for c in ws[header_row]]
    if header_row > 4:  # two header rows: identifying columns are merged from the row above
        headers = [
            h if h is not None else ws.cell(header_row - 1, i + 1).value for i, h in enumerate(headers)
        ]
    rows, total = [], None
    for r in range(header_row + 1, ws.max_row + 1):
        rec = dict(zip(headers, (ws.cell(r, i + 1).value for i in range(len(headers))), strict=True))
        if rec[headers[0]] == "合计":
            total = rec
        else:
            rows.append(rec)
    return headers, rows, total


def _dec(v) -> Decimal:
    return Decimal(0) if v is None else Decimal(str(v))


def _sum(rows: list[dict], key: str) -> Decimal:
    return sum((_dec(r[key]) for r in rows), Decimal(0))


def _print_layout(ws, title_rows: str) -> None:
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == title_rows
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.oddFooter.right.text.startswith("生成时间：")
    assert ws.oddHeader.left.text == "某县中医院"


MONEY_FMT, COUNT_FMT, RATIO_FMT = '"¥"#,##0.00', "#,##0", "0.00%"
MONEY_KEYS = ("医疗收入合计", "门急诊收入", "住院收入", "医疗服务收入", "检查收入", "化验收入", "卫生材料收入",
              "药品收入", "其他收入", "直接成本", "分摊成本（净额）", "科室全成本", "收支结余")  # fmt: skip
COUNT_KEYS = ("门急诊人次", "出院人次", "手术台次", "实际开放床日", "实际占用床日")


# ------------------------------------------------------------------------------------------------
# 经营分析报表


def test_business_report_sheets_values_and_totals_reconcile(wh: Path, tmp_path: Path):
    out = tmp_path / "经营.xlsx"
    r = _cli("report", "business", "--period", "2025-10", "--to", "2025-11", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert f"已生成经营分析报表：{out}" in r.output
    assert "期间：2025-10 至 2025-11（2 个月）；科室明细 9 行" in r.output
    # Oct 1517.42 + Nov 66.60; cost Oct 9510.01 + Nov 5100.00
    assert "全院医疗收入 ¥1,584.02（门急诊 ¥294.49，住院 ¥1,289.53），科室全成本 ¥14,610.01" in r.output
    assert "收支结余 -¥13,025.99" in r.output
    assert "门急诊 69 人次，出院 6 人次，手术 2 台次，占用床日 120，工作量点数 330.73" in r.output

    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "科室明细", "说明"]
    detail = wb["科室明细"]
    assert detail["A1"].value == "经营分析报表（科室明细）"
    assert "医院：某县中医院" in detail["A2"].value and "期间：2025年10月—2025年11月" in detail["A2"].value
    assert _header(detail, 4)[:6] == [
        "期间",
        "科室编码",
        "科室名称",
        "科室类别",
        "核算分组",
        "医疗收入（元）",
    ]
    assert "成本（元）" in _header(detail, 4) and "工作量" in _header(detail, 4)
    headers, rows, total = _table(detail, 5)
    assert headers == ["期间", "科室编码", "科室名称", "科室类别", "核算分组", *MONEY_KEYS[:9], "药占比", "耗占比",
                       *MONEY_KEYS[9:], *COUNT_KEYS, "床位使用率", "工作量点数"]  # fmt: skip
    assert detail.freeze_panes == "D6"
    assert detail.auto_filter.ref == f"A5:AA{5 + len(rows)}"  # the 合计 row stays out of the filter
    _print_layout(detail, "$4:$5")

    # every accounting unit each month (not the grouping node D01); the unmapped bucket only when it has data
    assert [(x["期间"], x["科室编码"]) for x in rows] == [
        ("2025-10", "D0101"), ("2025-10", "D0107"), ("2025-10", "D0202"), ("2025-10", "D0501"), ("2025-10", None),
        ("2025-11", "D0101"), ("2025-11", "D0107"), ("2025-11", "D0202"), ("2025-11", "D0501"),
    ]  # fmt: skip
    by = {(x["期间"], x["科室编码"]): x for x in rows}
    cardio = by[("2025-10", "D0107")]
    assert (cardio["科室名称"], cardio["科室类别"], cardio["核算分组"]) == ("心血管内科", "临床", "医生组")
    assert [cardio[k] for k in MONEY_KEYS[:9]] == [1220.65, 20, 1200.65, 20, 0, 300.25, 0, 900.4, 0]
    assert cardio["药占比"] == pytest.approx(900.40 / 1220.65) and cardio["耗占比"] == 0
    assert [cardio[k] for k in MONEY_KEYS[9:]] == [5000, 500, 5500, pytest.approx(1220.65 - 5500)]
    assert [cardio[k] for k in COUNT_KEYS] == [30, 5, 2, 150, 100]
    assert cardio["床位使用率"] == pytest.approx(100 / 150) and cardio["工作量点数"] == pytest.approx(
        150.1235
    )
    tcm = by[("2025-10", "D0101")]  # unknown fee category XX → 其他
    assert [tcm[k] for k in MONEY_KEYS[:9]] == [207.89, 207.89, 0, 150, 0, 0, 45.55, 0, 12.34]
    unmapped = by[("2025-10", None)]
    assert unmapped["科室名称"] == "（未对照科室）"
    assert (unmapped["医疗收入合计"], unmapped["检查收入"], unmapped["直接成本"]) == (88.88, 88.88, 10.01)
    assert (unmapped["门急诊人次"], unmapped["工作量点数"]) == (2, pytest.approx(1.1111))
    lab, admin = by[("2025-10", "D0202")], by[("2025-10", "D0501")]
    assert (lab["医疗收入合计"], lab["科室全成本"], lab["工作量点数"]) == (0, 700, 80.5)
    assert (admin["直接成本"], admin["分摊成本（净额）"], admin["科室全成本"]) == (500, -500, 0)
    assert by[("2025-11", "D0107")]["医疗收入合计"] == 66.6 and by[("2025-11", "D0101")]["医疗收入合计"] == 0
    assert by[("2025-11", "D0107")]["床位使用率"] is None  # no open bed days: blank, not 0

    # number formats
    first = 6
    col = {h: i + 1 for i, h in enumerate(headers)}
    for k in MONEY_KEYS:
        assert detail.cell(first, col[k]).number_format == MONEY_FMT
    for k in COUNT_KEYS:
        assert detail.cell(first, col[k]).number_format == COUNT_FMT
    assert detail.cell(first, col["药占比"]).number_format == RATIO_FMT
    assert detail.cell(first, col["床位使用率"]).number_format == RATIO_FMT
    assert detail.cell(first, col["工作量点数"]).number_format == "#,##0.00"
    assert detail.column_dimensions["C"].width == 14 and detail.column_dimensions["F"].width == 14
    assert detail.cell(detail.max_row, 6).font.bold is True

    # the summary: one row per month = Σ departments of the month, to the cent; 合计 = Σ months = Σ detail
    summary = wb["汇总"]
    assert summary["A1"].value == "经营分析报表（全院汇总）"
    s_headers, s_rows, s_total = _table(summary, 5)
    assert s_headers == ["期间", *headers[5:]]
    assert summary.freeze_panes == "B6"
    _print_layout(summary, "$4:$5")
    assert [x["期间"] for x in s_rows] == ["2025-10", "2025-11"]
    expected_oct = {"医疗收入合计": D("1517.42"), "门急诊收入": D("227.89"), "住院收入": D("1289.53"),
                    "药品收入": D("900.40"), "检查收入": D("88.88"), "直接成本": D("9510.01"),
                    "分摊成本（净额）": D(0), "科室全成本": D("9510.01"), "收支结余": D("-7992.59"),
                    "门急诊人次": D(44), "出院人次": D(6), "实际占用床日": D(120), "工作量点数": D("231.7346")}  # fmt: skip
    for k, v in expected_oct.items():
        assert _dec(s_rows[0][k]) == v, k
    for month, s_row in zip(("2025-10", "2025-11"), s_rows, strict=True):
        mine = [x for x in rows if x["期间"] == month]
        for k in (*MONEY_KEYS, *COUNT_KEYS, "工作量点数"):
            assert _sum(mine, k) == _dec(s_row[k]), (month, k)
        assert _dec(s_row["门急诊收入"]) + _dec(s_row["住院收入"]) == _dec(s_row["医疗收入合计"])
        classes = ("医疗服务收入", "检查收入", "化验收入", "卫生材料收入", "药品收入", "其他收入")
        assert sum(_dec(s_row[k]) for k in classes) == _dec(s_row["医疗收入合计"])
    for k in (*MONEY_KEYS, *COUNT_KEYS, "工作量点数"):
        assert _dec(s_total[k]) == _sum(s_rows, k) == _sum(rows, k) == _dec(total[k]), k
    assert _dec(total["医疗收入合计"]) == D("1584.02") and _dec(total["直接成本"]) == D("14610.01")
    assert s_total["药占比"] == pytest.approx(float(D("967.00") / D("1584.02")))
    assert s_total["床位使用率"] == pytest.approx(120 / 230)

    notes = wb["说明"]
    _print_layout(notes, "$4:$4")
    text = "\n".join(f"{a}：{b}" for a, b in notes.iter_rows(min_row=5, values_only=True))
    assert "期间：2025年10月—2025年11月（2025-10, 2025-11）" in text
    assert "intermediate.int_charge_lines__enriched" in text and "staging.stg_cost__dept_costs" in text
    assert "marts.fct_workload_points" in text and "生成时间：" in text


def test_business_default_is_one_month_and_default_file_name(wh: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = _cli("report", "business", "--period", "2025-11")
    assert r.exit_code == 0, r.output
    out = tmp_path / "经营分析报表_2025-11.xlsx"
    assert out.exists()
    _, rows, total = _table(load_workbook(out)["科室明细"], 5)
    assert {x["期间"] for x in rows} == {"2025-11"}
    assert (total["医疗收入合计"], total["直接成本"], total["门急诊人次"]) == (66.6, 5100, 25)


def test_business_month_without_data_is_named_and_left_out(wh: Path, tmp_path: Path):
    out = tmp_path / "b.xlsx"
    r = _cli("report", "business", "--period", "2025-11", "--to", "2026-01", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "无数据的月份（未列入报表）：2025-12、2026-01" in r.output
    wb = load_workbook(out)
    assert [x["期间"] for x in _table(wb["汇总"], 5)[1]] == ["2025-11"]
    assert any(a == "无数据的月份" and b.startswith("2025-12、2026-01") for a, b in
               wb["说明"].iter_rows(min_row=5, values_only=True))  # fmt: skip


def test_business_missing_source_leaves_columns_blank(tmp_path: Path, monkeypatch):
    path = _warehouse(
        tmp_path / "w.duckdb", skip=("staging.stg_cost__dept_costs", "seeds.fee_category_policy")
    )
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(path))
    out = tmp_path / "b.xlsx"
    r = _cli("report", "business", "--period", "2025-10", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "科室成本 staging.stg_cost__dept_costs 或科室对照" in r.output
    assert "收费类别分类 seeds.fee_category_policy 不存在" in r.output
    _, rows, total = _table(load_workbook(out)["科室明细"], 5)
    assert all(x["直接成本"] is None and x["收支结余"] is None and x["药品收入"] is None for x in rows)
    assert total["直接成本"] is None and total["医疗收入合计"] == 1517.42 and total["住院收入"] == 1289.53


# ------------------------------------------------------------------------------------------------
# 绩效报表


def test_performance_report_sheets_and_totals(wh: Path, tmp_path: Path):
    out = tmp_path / "绩效.xlsx"
    r = _cli("report", "performance", "--period", "2025-10", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert f"已生成绩效报表：{out}" in r.output
    assert "期间：2025-10；科室：全院" in r.output
    assert "科室奖金 3 行，合计 ¥23,000.01；个人奖金 6 人，建议 ¥23,000.01，实发 ¥12,050.01" in r.output
    assert "KPI 考核 2 行（指标明细 3 行）；个人工作量 4 行" in r.output

    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "科室奖金", "个人奖金", "KPI考核", "KPI指标明细", "个人工作量", "说明"]
    for ws in wb.worksheets:
        _print_layout(ws, "$4:$5" if ws.title == "个人工作量" else "$4:$4")
        assert "科室：全院" in ws["A2"].value or ws.title == "说明"

    ws = wb["科室奖金"]
    headers, rows, total = _table(ws, 4)
    assert headers == ["期间", "科室编码", "科室名称", "科室类别", "核算分组", "核算方式", "工作量点数", "点单价",
                       "KPI 得分", "KPI 系数", "KPI 完整", "科室奖金", "在岗人数", "人均奖金", "上月奖金", "环比",
                       "未对照收费占比"]  # fmt: skip
    assert ws.freeze_panes == "D5" and ws.auto_filter.ref == "A4:Q7"
    assert [x["科室编码"] for x in rows] == ["D0101", "D0107", "D0501"]
    cardio = rows[1]
    assert (cardio["核算方式"], cardio["点单价"], cardio["KPI 得分"], cardio["KPI 系数"]) == (
        "按点数",
        79.9321,
        95.5,
        0.95,
    )
    assert (cardio["科室奖金"], cardio["在岗人数"], cardio["人均奖金"], cardio["环比"]) == (
        12000.01,
        3,
        4000,
        0.0909,
    )
    assert rows[2]["核算方式"] == "按人均" and rows[2]["点单价"] is None and rows[2]["KPI 系数"] is None
    assert ws.cell(5, 12).number_format == MONEY_FMT and ws.cell(5, 13).number_format == COUNT_FMT
    assert ws.cell(5, 16).number_format == RATIO_FMT
    assert _dec(total["科室奖金"]) == _sum(rows, "科室奖金") == D("23000.01")
    assert (total["在岗人数"], _dec(total["人均奖金"])) == (6, D("3833.34"))  # 23000.01 / 6, to the cent

    ws = wb["个人奖金"]
    headers, rows, total = _table(ws, 4)
    assert ws.freeze_panes == "F5"
    assert [(x["科室编码"], x["工号"], x["类型"], x["状态"]) for x in rows] == [
        ("D0101", "2001", "二次分配", "待审批"),
        ("D0101", "2002", "二次分配", "待审批"),
        ("D0107", "1001", "二次分配", "已审批"),
        ("D0107", "1002", "二次分配", "已审批"),
        ("D0107", "1003", "二次分配", "已审批"),
        ("D0107", "2001", "划拨（中医内科）", "已审批"),
        ("D0107", "1002", "补录", "补录"),
        ("D0107", None, "科室留存", "已审批"),
        ("D0501", "5001", "二次分配", "待审批"),
    ]
    z = rows[2]
    assert (z["姓名"], z["岗位系数"], z["个人点数"], z["建议金额"], z["实发金额"]) == (
        "张三",
        1.2,
        80.1235,
        6000.01,
        6100.01,
    )
    assert rows[0]["实发金额"] is None  # not approved yet: suggestion only
    assert rows[6]["姓名"] == "李四" and rows[6]["说明"] == "夜班补发"  # 补录 named from the other lines
    assert rows[7]["姓名"] == "（科室留存）"
    assert _dec(total["建议金额"]) == D("23000.01")
    assert _dec(total["实发金额"]) == _sum(rows, "实发金额") == D("12050.01")  # = Σ fct_staff_bonus.amount
    d0107 = [x for x in rows if x["科室编码"] == "D0107"]
    # D0107: Σ 建议 = its pool; Σ 实发 = pool (二次分配 + 划拨 + 留存) + 补录
    assert _sum(d0107, "建议金额") == D("12000.01") == _sum(d0107, "实发金额") - D("50.00")

    ws = wb["汇总"]
    headers, rows, total = _table(ws, 4)
    assert headers == ["期间", "科室数", "工作量点数", "科室奖金合计", "在岗人数", "人均奖金", "二次分配建议合计",
                       "个人奖金实发合计"]  # fmt: skip
    assert rows == [{"期间": "2025-10", "科室数": 3, "工作量点数": 210.1235, "科室奖金合计": 23000.01, "在岗人数": 6,
                     "人均奖金": 3833.34, "二次分配建议合计": 23000.01, "个人奖金实发合计": 12050.01}]  # fmt: skip
    assert total["科室奖金合计"] == 23000.01 and total["科室数"] is None

    ws = wb["KPI考核"]
    headers, rows, total = _table(ws, 4)
    assert total is None  # scores do not add up
    assert [(x["科室编码"], x["综合得分"], x["完整性"], x["KPI 系数"]) for x in rows] == [
        ("D0101", 60, "不完整", 0.85), ("D0107", 95.5, "完整", 0.955)
    ]  # fmt: skip
    ws = wb["KPI指标明细"]
    headers, rows, total = _table(ws, 4)
    assert [(x["指标编码"], x["目标来源"], x["状态"], x["同组排名"]) for x in rows] == [
        ("K02", None, "缺数", None), ("K04", "建议目标", "已评分", "2/9"), ("K12", "科室填报", "已评分", "1/9")
    ]  # fmt: skip
    assert ws.cell(6, 8).number_format == RATIO_FMT and ws.cell(7, 8).number_format == "#,##0.00"  # 比例 as %

    ws = wb["个人工作量"]
    assert _header(ws, 4)[6] == "工作量点数（按角色）"
    headers, rows, total = _table(ws, 5)
    assert headers[6:] == ["开单点数", "执行点数", "护理点数", "麻醉点数", "手术室护理点数", "合计点数"]
    assert [(x["科室编码"], x["工号"], x["合计点数"]) for x in rows] == [
        ("D0101", "2001", 40), ("D0101", "3001", 20), ("D0107", "1001", 120.1234), ("D0107", "1002", 30.0001)
    ]  # fmt: skip
    assert (
        _dec(total["合计点数"])
        == D("210.1235")
        == _sum(rows, "开单点数") + _sum(rows, "执行点数") + _sum(rows, "护理点数")
    )


def test_performance_dept_restricts_every_sheet(wh: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = _cli("report", "performance", "--period", "2025-10", "--to", "2025-11", "--dept", "心血管内科")
    assert r.exit_code == 0, r.output
    assert "科室：D0107 心血管内科" in r.output
    out = tmp_path / "绩效报表_2025-10至2025-11_D0107.xlsx"
    wb = load_workbook(out)
    for title, header_row in (
        ("科室奖金", 4),
        ("个人奖金", 4),
        ("KPI考核", 4),
        ("KPI指标明细", 4),
        ("个人工作量", 5),
    ):
        ws = wb[title]
        assert "科室：D0107 心血管内科" in ws["A2"].value
        _, rows, _ = _table(ws, header_row)
        assert rows and {x["科室编码"] for x in rows} == {"D0107"}, title
    _, rows, total = _table(wb["科室奖金"], 4)
    assert [x["期间"] for x in rows] == ["2025-10", "2025-11"]
    assert _dec(total["科室奖金"]) == D("24500.01") and total["上月奖金"] == 23000.01
    _, rows, total = _table(wb["个人奖金"], 4)
    assert [x["工号"] for x in rows] == ["1001", "1002", "1003", "2001", "1002", None]
    assert _dec(total["实发金额"]) == D("12050.01") and _dec(total["建议金额"]) == D("12000.01")
    _, rows, total = _table(wb["汇总"], 4)
    assert [(x["期间"], x["科室奖金合计"], x["个人奖金实发合计"]) for x in rows] == [
        ("2025-10", 12000.01, 12050.01), ("2025-11", 12500, None)
    ]  # fmt: skip
    assert _dec(total["科室奖金合计"]) == D("24500.01") and total["在岗人数"] == 6


def test_performance_dept_by_code_without_staff_rows(wh: Path, tmp_path: Path):
    out = tmp_path / "p.xlsx"
    r = _cli("report", "performance", "--period", "2025-10", "--dept", "D0202", "--out", str(out))
    assert r.exit_code != 0  # 检验科 has no bonus, KPI or workload rows in this warehouse
    assert "科室 D0202 检验科 在2025年10月没有绩效数据" in r.output and not out.exists()


# ------------------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("business", "--period", "2025-13"), "期间「2025-13」无效：应为 YYYY-MM，月份 01–12（如 2025-10）"),
        (("performance", "--period", "202510"), "期间「202510」无效"),
        (("business", "--period", "2025-10", "--to", "2025-00"), "结束期间「2025-00」无效"),
        (("performance", "--period", "2025-10", "--to", "2025-09"), "结束期间 2025-09 早于开始期间 2025-10"),
        (("performance", "--period", "2025-10", "--dept", "D9999"), "未知科室「D9999」：请使用 marts.dim_department"),
        (("business", "--period", "2024-01"), "2024年1月（2024-01）没有经营数据（收入、成本、工作量均无记录）"),
        (("performance", "--period", "2024-01", "--to", "2024-03"),
         "2024年1月—2024年3月没有绩效数据（科室奖金、二次分配、KPI 考核、工作量点数均无记录）：请先运行 jixiao run --period 2024-01 --to 2024-03"),
    ],
)  # fmt: skip
def test_errors_are_chinese_and_write_nothing(wh: Path, tmp_path: Path, args, message):
    out = tmp_path / "x.xlsx"
    r = _cli("report", *args, "--out", str(out))
    assert r.exit_code == 1, r.output
    assert message in r.output.replace("\n", "")
    assert not out.exists()


def test_missing_warehouse_and_missing_marts(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(tmp_path / "none.duckdb"))
    r = _cli("report", "business", "--period", "2025-10")
    assert (
        r.exit_code == 1
        and f"数据仓库 {tmp_path / 'none.duckdb'} 不存在：请先运行流水线（jixiao run）" in r.output
    )
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(empty))
    r = _cli("report", "performance", "--period", "2025-10")
    assert (
        r.exit_code == 1 and "科室维表 marts.dim_department 不存在：请先运行流水线（jixiao run）" in r.output
    )
    only_dim = _warehouse(
        tmp_path / "dim.duckdb", skip=tuple(s for s in SCHEMAS if s != "marts.dim_department")
    )
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(only_dim))
    r = _cli("report", "performance", "--period", "2025-10")
    assert r.exit_code == 1 and "绩效数据表都不存在" in r.output
    r = _cli("report", "business", "--period", "2025-10")
    assert r.exit_code == 1 and "经营分析所需的数据表都不存在" in r.output


def test_warehouse_is_opened_read_only(wh: Path, tmp_path: Path):
    """The report opens the warehouse read-only: the file is untouched afterwards."""
    before = wh.stat().st_mtime_ns
    r = _cli("report", "business", "--period", "2025-10", "--out", str(tmp_path / "b.xlsx"))
    assert r.exit_code == 0, r.output
    assert wh.stat().st_mtime_ns == before
