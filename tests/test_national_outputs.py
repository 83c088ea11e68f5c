"""National assessment outputs: the annual self-assessment workbook (自评表), 上报 guarded by the 勾稽
rules, status, and the 勾稽 outcomes landed in dq.dq_check_results — on a tiny hand-made warehouse
holding the three marts of docs/national.md."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from expectations.gouji import land_gouji_results
from orchestration.cli import app
from orchestration.national_report import build_workbook, load_report_data, open_marts

IND_COLS = (
    "hospital_code varchar, hospital_name varchar, period_type varchar, period varchar, year integer, "
    "months_covered integer, list_code varchar, seq_no integer, indicator_code varchar, part_code varchar, "
    "indicator_name varchar, part_name varchar, level1_name varchar, level2_name varchar, formula_text varchar, "
    "unit varchar, is_national_monitoring boolean, direction varchar, data_source varchar, "
    "numerator decimal(20,4), denominator decimal(20,4), value decimal(20,4), prev_value decimal(20,4), "
    "value_change decimal(20,4), status varchar, status_reason varchar"
)
MON_COLS = (
    "hospital_code varchar, year integer, months_covered integer, item_code varchar, parent_item_code varchar, "
    "seq_no integer, item_name varchar, unit varchar, current_value decimal(20,4), previous_value decimal(20,4), "
    "difference decimal(20,4), growth_rate decimal(20,4), status varchar, status_reason varchar"
)
GOUJI_COLS = (
    "hospital_code varchar, year integer, rule_code varchar, rule_name varchar, scope varchar, operator varchar, "
    "left_value decimal(20,4), right_value decimal(20,4), tolerance decimal(20,4), passed boolean, message varchar"
)
H = ("H001", "某县中医院")


def _ind(list_code, seq, code, part, name, part_name, unit, value, prev, status="computed", reason=None,
         monitoring=True, period_type="year", period="2025", year=2025):
    change = None if value is None or prev is None else value - prev
    return (*H, period_type, period, year, 10, list_code, seq, code, part, name, part_name, "医疗质量", "功能定位",
            f"{name}的计算方法", unit, monitoring, "逐步提高", "HIS", None, None, value, prev, change, status, reason)


INDICATORS = [
    # 二级公立中医医院: 4 indicators, one with two parts (门诊/住院), one 待填报 (filed, not filed yet)
    _ind("tcm_l2", 1, "surgery_patient_share", "all", "出院患者手术占比", None, "%", 35.1234, 30.0),
    _ind("tcm_l2", 2, "emr_level", "all", "电子病历应用功能水平分级", None, "级", None, 3, "待填报",
         "医院尚未填报 filed_emr_level"),
    _ind("tcm_l2", 3, "insurance_revenue_share", "ip", "医疗收入中来自医保基金的比例", "住院收入中来自医保基金的比例",
         "%", 61.5, 60.0, monitoring=False),
    _ind("tcm_l2", 3, "insurance_revenue_share", "op", "医疗收入中来自医保基金的比例", "门诊收入中来自医保基金的比例",
         "%", 22.25, 20.0, monitoring=False),
    _ind("tcm_l2", 4, "average_length_of_stay", "all", "平均住院日", None, "天", 8.4567, None, "缺数",
         "上年无出院患者"),
    # 二级公立医院: 2 indicators
    _ind("general_l2", 1, "surgery_patient_share", "all", "出院患者手术占比", None, "%", 35.1234, 30.0),
    _ind("general_l2", 2, "energy_per_10k_revenue", "all", "万元收入能耗占比", None, "元/万元", 1234.5, 1300.0,
         monitoring=False),
    # a month row and another year: never in the 2025 annual report
    _ind("tcm_l2", 1, "surgery_patient_share", "all", "出院患者手术占比", None, "%", 99.0, 1.0,
         period_type="month", period="2025-03"),
    _ind("tcm_l2", 1, "surgery_patient_share", "all", "出院患者手术占比", None, "%", 30.0, 28.0,
         period="2024", year=2024),
]  # fmt: skip
MONITORING = [
    ("H001", 2025, 10, "1", None, 1, "职工总数", "人", 320, 300, 20, 6.6667, "computed", None),
    ("H001", 2025, 10, "1.1", "1", 2, "其中：编制内", "人", 200, 198, 2, 1.0101, "computed", None),
    ("H001", 2025, 10, "2", None, 3, "医疗收入", "元", 12345678.9, 11000000, 1345678.9, 12.2334, "computed", None),
    ("H001", 2025, 10, "3", None, 4, "万元以上设备台数", "台", None, 12, None, None, "待填报", "医院尚未填报"),
]
GOUJI = [
    ("H001", 2025, "G01", "职工总数 ≥ 编制内人数", "表内", ">=", 320, 200, 0, True, None),
    ("H001", 2025, "G02", "医疗收入 = 门诊收入 + 住院收入", "表间", "=", 12345678.9, 12340000, 0, False,
     "医疗收入与门诊、住院收入之和不一致"),
    ("H001", 2024, "G01", "职工总数 ≥ 编制内人数", "表内", ">=", 300, 198, 0, True, None),
]


def _warehouse(path: Path, gouji=GOUJI) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA marts")
        for table, cols, rows in (
            ("fct_national_indicators", IND_COLS, INDICATORS),
            ("fct_monitoring_indicators", MON_COLS, MONITORING),
            ("fct_monitoring_gouji_checks", GOUJI_COLS, gouji),
        ):
            con.execute(f"CREATE TABLE marts.{table} ({cols})")
            if rows:
                con.executemany(f"INSERT INTO marts.{table} VALUES ({', '.join('?' for _ in rows[0])})", rows)
    finally:
        con.close()
    return path


@pytest.fixture
def wh(tmp_path: Path, monkeypatch) -> Path:
    path = _warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(path))
    return path


def _cli(*args: str):
    return CliRunner().invoke(app, list(args))


def _rows(ws, first: int = 5) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=first, max_row=ws.max_row)]


# ------------------------------------------------------------------------------------------------
# report


def test_report_workbook_sheets_rows_and_print_layout(wh: Path, tmp_path: Path):
    out = tmp_path / "自评表.xlsx"
    r = _cli("national", "report", "--year", "2025", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "已生成 2025 年度绩效考核自评表" in r.output
    assert "二级公立中医医院：4 项指标（已计算 3，待填报 1，缺数 1），数据期间 1—10 月" in r.output

    wb = load_workbook(out)
    assert wb.sheetnames == ["二级公立医院", "二级公立中医医院", "经济管理监测指标"]
    ws = wb["二级公立中医医院"]
    assert ws["A1"].value == "2025年度二级公立中医医院绩效考核自评表"
    assert "填报单位：某县中医院" in ws["A2"].value and "数据期间：2025年1—10月" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["序号", "一级指标", "二级指标", "指标名称", "计算方法", "单位", "本年",
                                        "上年", "变化", "状态"]  # fmt: skip
    rows = _rows(ws)
    # 4 indicators (序号 filled) + 2 part sub-rows of insurance_revenue_share; the month row and 2024 left out
    assert [x[0] for x in rows] == [1, 2, 3, None, None, 4]
    assert rows[0][3] == "出院患者手术占比▲" and rows[0][6:9] == (35.1234, 30, pytest.approx(5.1234))
    assert ws.cell(5, 7).number_format == "0.00"
    # 待填报: the value prints blank (not 0), the previous year's value stays, the status says why
    emr = rows[1]
    assert emr[3] == "电子病历应用功能水平分级▲"
    assert emr[6] is None and emr[7] == 3 and emr[8] is None
    assert emr[9] == "待填报：医院尚未填报 filed_emr_level"
    # parts as sub-rows, 门诊 before 住院, under the indicator's own row (no ▲: not a monitoring indicator)
    assert rows[2][3] == "医疗收入中来自医保基金的比例" and rows[2][6] is None
    assert [x[3] for x in rows[3:5]] == ["门诊收入中来自医保基金的比例", "住院收入中来自医保基金的比例"]
    assert [x[6] for x in rows[3:5]] == [22.25, 61.5]
    assert rows[5][6:10] == (8.4567, None, None, "缺数：上年无出院患者")
    assert ws.cell(10, 7).number_format == "0.00"  # 天: two decimals

    general = wb["二级公立医院"]
    assert general["A1"].value == "2025年度二级公立医院绩效考核自评表"
    assert [x[0] for x in _rows(general)] == [1, 2]
    assert general.cell(6, 7).value == 1234.5 and general.cell(6, 7).number_format == "#,##0.00"

    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$4:$4"
        assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert sheet.oddFooter.right.text.startswith("生成时间：")
        assert sheet.cell(5, 1).border.left.style == "thin"
        assert sheet.cell(5, 2).alignment.wrap_text is True


def test_report_monitoring_sheet(wh: Path):
    with open_marts(wh) as con:
        data = load_report_data(con, 2025)
    wb = build_workbook(data, datetime(2026, 1, 15, 9, 30))
    ws = wb["经济管理监测指标"]
    assert ws["A1"].value == "2025年度经济管理监测指标"
    assert "生成时间：2026-01-15 09:30" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["序号", "项目", "单位", "本年", "上年", "差额", "增长率（%）", "状态"]
    rows = _rows(ws)
    assert [x[0] for x in rows] == ["1", "1.1", "2", "3"]
    assert rows[0] == ("1", "职工总数", "人", 320, 300, 20, pytest.approx(6.6667), "已计算")
    assert ws.cell(6, 2).alignment.indent == 2  # 1.1 under 1
    assert rows[2][3] == pytest.approx(12345678.9) and ws.cell(7, 4).number_format == "#,##0.00"
    assert ws.cell(5, 4).number_format == "#,##0" and ws.cell(5, 7).number_format == "0.00"
    assert rows[3][3:] == (None, 12, None, None, "待填报：医院尚未填报")


def test_report_refuses_a_year_without_rows(wh: Path, tmp_path: Path):
    r = _cli("national", "report", "--year", "2023", "--out", str(tmp_path / "x.xlsx"))
    assert r.exit_code == 1
    assert "2023 年没有国考指标数据：请先运行流水线（jixiao run）" in r.output
    assert not (tmp_path / "x.xlsx").exists()


# ------------------------------------------------------------------------------------------------
# submit / status


def _submissions(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "SELECT year, hospital_code, submitted_by, content_hash, indicator_counts, indicators, computed_parts, "
            "gouji_rules, row_counts FROM national_ops.submissions ORDER BY submitted_at"
        ).fetchall()
    finally:
        con.close()


def test_submit_refused_while_a_gouji_rule_fails_then_recorded(wh: Path):
    r = _cli("national", "submit", "--no-refresh", "--year", "2025", "--by", "张三")
    assert r.exit_code == 2, r.output
    assert "1 条不通过，0 条待填报" in r.output
    assert (
        "✗ 医疗收入 = 门诊收入 + 住院收入（G02，表间）：左边 12,345,678.9 = 右边 12,340,000，差额 5,678.9"
        in r.output
    )
    assert "G01" not in r.output  # a passed rule is not listed
    assert "勾稽关系审核未通过，不能上报。请修正填报数据后重新运行流水线再上报。" in r.output
    con = duckdb.connect(str(wh), read_only=True)
    try:  # nothing written, not even the schema
        assert con.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'national_ops'")\
            .fetchone()[0] == 0
    finally:
        con.close()

    # the filing is corrected and the pipeline rerun: the rule passes
    con = duckdb.connect(str(wh))
    con.execute("UPDATE marts.fct_monitoring_gouji_checks SET right_value = left_value, passed = true "
                "WHERE rule_code = 'G02'")
    con.close()
    ok = _cli("national", "submit", "--no-refresh", "--year", "2025", "--by", "张三")
    assert ok.exit_code == 0, ok.output
    assert "2025 年已上报：上报人 张三" in ok.output and "勾稽关系 2 条全部通过" in ok.output
    [(year, hosp, by, content_hash, counts, indicators, computed, rules, row_counts)] = _submissions(wh)
    assert (year, hosp, by, indicators, computed, rules) == (2025, "H001", "张三", 6, 5, 2)
    assert json.loads(counts) == {
        "general_l2": {"indicators": 2, "parts": 2, "computed": 2, "待填报": 0, "缺数": 0},
        "tcm_l2": {"indicators": 4, "parts": 5, "computed": 3, "待填报": 1, "缺数": 1},
    }
    # the year's rows of both marts, all period types (7 annual + 1 month indicator rows, 4 items)
    assert json.loads(row_counts) == {"fct_national_indicators": 8, "fct_monitoring_indicators": 4}
    assert len(content_hash) == 64

    st = _cli("national", "status", "--year", "2025")
    assert st.exit_code == 0, st.output
    assert "勾稽关系 2 条：通过 2，不通过 0，待填报 0" in st.output
    assert "最近上报：" in st.output and "上报人 张三" in st.output and "当前数据与上报时一致" in st.output

    # a value changes after the submission: status says so
    con = duckdb.connect(str(wh))
    con.execute("UPDATE marts.fct_national_indicators SET value = 36 WHERE indicator_code = 'surgery_patient_share' "
                "AND list_code = 'tcm_l2' AND period = '2025'")
    con.close()
    assert "上报后数据已变化" in _cli("national", "status", "--year", "2025").output


def test_submit_refused_while_a_rule_cannot_be_evaluated(tmp_path: Path, monkeypatch):
    pending = [*GOUJI[:1], ("H001", 2025, "G03", "床位数 = 编制床位 + 编制外床位", "表内", "=", 120, None, 0, None,
                           "编制外床位数未填报")]  # fmt: skip
    path = _warehouse(tmp_path / "warehouse.duckdb", gouji=pending)
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(path))
    r = _cli("national", "submit", "--no-refresh", "--year", "2025")
    assert r.exit_code == 2
    assert "0 条不通过，1 条待填报" in r.output
    assert "? 床位数 = 编制床位 + 编制外床位（G03，表内）：待填报，无法审核（左边 120 = 右边 空）" in r.output
    assert "勾稽关系审核未通过，不能上报。" in r.output

    st = _cli("national", "status", "--year", "2025")
    assert st.exit_code == 0
    assert "二级公立中医医院" in st.output and "勾稽关系 2 条：通过 1，不通过 0，待填报 1" in st.output
    assert "尚未上报" in st.output


# ------------------------------------------------------------------------------------------------
# 勾稽 → dq.dq_check_results


def test_land_gouji_results_writes_one_row_per_rule_and_year(wh: Path):
    con = duckdb.connect(str(wh))
    try:
        at = datetime(2026, 1, 15, 2, 0)
        assert land_gouji_results(con, run_id="gouji-r1", checked_at=at) == 3
        rows = con.execute(
            'SELECT run_id, "partition", check_id, check_name, category, severity, layer, system, table_name, '
            "observed_value, threshold, passed, failing_count, expectation_type, checked_at "
            'FROM dq.dq_check_results ORDER BY "partition", check_id'
        ).fetchall()
        sample = con.execute("SELECT failing_sample FROM dq.dq_check_results WHERE check_id = 'gouji.G02'").fetchone()[0]
    finally:
        con.close()
    base = ("gouji-r1",)
    tail = ("plausibility", "error", "gouji", "national", "fct_monitoring_gouji_checks")
    assert rows == [
        (*base, "2024", "gouji.G01", "职工总数 ≥ 编制内人数", *tail, "左边 300 >= 右边 198，差额 102", "0", True, 0,
         "gouji:表内", at),
        (*base, "2025", "gouji.G01", "职工总数 ≥ 编制内人数", *tail, "左边 320 >= 右边 200，差额 120", "0", True, 0,
         "gouji:表内", at),
        (*base, "2025", "gouji.G02", "医疗收入 = 门诊收入 + 住院收入", *tail,
         "左边 12,345,678.9 = 右边 12,340,000，差额 5,678.9", "0", False, 1, "gouji:表间", at),
    ]  # fmt: skip
    assert json.loads(sample) == [{
        "hospital_code": "H001", "left_value": "12345678.9000", "operator": "=", "right_value": "12340000.0000",
        "difference": "5678.9000", "message": "医疗收入与门诊、住院收入之和不一致",
    }]  # fmt: skip


def test_land_gouji_results_skip_and_missing_mart(tmp_path: Path):
    pending = [("H001", 2025, "G03", "床位数 = 编制床位 + 编制外床位", "表内", "=", 120, None, Decimal("0.5"), None, None)]
    path = _warehouse(tmp_path / "w.duckdb", gouji=pending)
    con = duckdb.connect(str(path))
    try:
        assert land_gouji_results(con, run_id="r") == 1
        assert con.execute(
            'SELECT "partition", check_id, observed_value, threshold, passed, failing_count FROM dq.dq_check_results'
        ).fetchall() == [("2025", "gouji.G03", "待填报", "0.5", None, 0)]
    finally:
        con.close()

    # before the first build with the national marts: nothing happens, not even the dq schema
    empty = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        assert land_gouji_results(empty, run_id="r") == 0
        assert empty.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'dq'")\
            .fetchone()[0] == 0
    finally:
        empty.close()
