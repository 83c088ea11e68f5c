"""Staff secondary allocation (二次分配): template, submission checks, approval, 补录, print, CLI."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from connectors.allocation import (
    AllocationError,
    add_supplement,
    allocation_status,
    approve_allocation,
    file_sha256,
    generate_templates,
    is_allocation_workbook,
    print_allocation,
    submit_allocation,
    take_in_inbox,
)
from connectors.allocation.workbook import HEADERS
from connectors.bonus_state import ensure_bonus_tables

P = "2025-10"
# fmt: off
# dept → (name, pool, staff: id, name, post, title, position, days, post coef, att coef, points, manager, suggested)
DEPTS = {
    "D01": (
        "心血管内科",
        "40000.00",
        [
            ("S001", "张主任", "医生", "主任医师", "科主任", 22, "1.6000", "1.0000", "160.0000", True, "13000.00"),
            ("S002", "李医生", "医生", "主治医师", None, 22, "1.2000", "1.0000", "120.0000", False, "9000.00"),
            ("S003", "王护士", "护理", "护师", None, 20, "1.0000", "0.9091", "90.9100", False, "8500.00"),
            ("S004", "赵医生", "医生", "住院医师", None, 22, "1.0000", "1.0000", "100.0000", False, "9500.00"),
        ],
    ),
    "D02": (
        "普外科",
        "30000.00",
        [
            ("S101", "钱主任", "医生", "主任医师", "科主任", 22, "1.6000", "1.0000", "160.0000", True, "12000.00"),
            ("S102", "孙医生", "医生", "主治医师", None, 22, "1.2000", "1.0000", "120.0000", False, "9000.00"),
            ("S103", "周护士", "护理", "护士长", "护士长", 22, "1.1000", "1.0000", "110.0000", False, "9000.00"),
        ],
    ),
}
# fmt: on
PERIOD_STATUS = {"2025-09": "issued", "2025-10": "calculated", "2025-11": None}  # None = draft (no row)
COUNTED = ("allocation_versions", "allocation_lines", "audit_log")


def _build_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create schema seeds")
    con.execute(
        "create table marts.fct_allocation_suggestions (period varchar, perf_dept_code varchar, "
        "perf_dept_name varchar, staff_id varchar, staff_name varchar, post_category varchar, title varchar, "
        "position varchar, attendance_days decimal(18,2), days_in_month integer, post_coefficient decimal(9,4), "
        "attendance_coefficient decimal(9,4), staff_points decimal(18,4), points_factor decimal(9,4), "
        "is_manager boolean, management_amount decimal(18,2), suggested_amount decimal(18,2), "
        "dept_pool decimal(18,2))"
    )
    con.execute(
        "create table marts.fct_dept_bonus_summary (period varchar, perf_dept_code varchar, "
        "perf_dept_name varchar, dept_category varchar, dept_bonus decimal(18,2), headcount integer)"
    )
    con.execute(
        "create table marts.dim_department (perf_dept_code varchar, perf_dept_name varchar, "
        "dept_category varchar, is_accounting_unit boolean)"
    )
    con.execute(
        "create table seeds.allocation_method (effective_from date, effective_to date, "
        "management_share decimal(9,4), points_weight decimal(9,4), deviation_bound decimal(9,4))"
    )
    con.execute("insert into seeds.allocation_method values ('2020-01-01', null, 0.1, 0.9, 0.30)")
    for code, (name, pool, staff) in DEPTS.items():
        con.execute("insert into marts.dim_department values (?, ?, '临床', true)", [code, name])
        for period in PERIOD_STATUS:
            con.execute(
                "insert into marts.fct_dept_bonus_summary values (?, ?, ?, '临床', ?, ?)",
                [period, code, name, pool, len(staff)],
            )
            for sid, sname, post, title, pos, days, pc, ac, pts, mgr, sugg in staff:
                con.execute(
                    "insert into marts.fct_allocation_suggestions values "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, 31, ?, ?, ?, 1.0, ?, ?, ?, ?)",
                    [period, code, name, sid, sname, post, title, pos, days, pc, ac, pts, mgr,
                     "1000.00" if mgr else "0.00", sugg, pool],
                )  # fmt: skip
    con.close()
    ensure_bonus_tables(path)
    con = duckdb.connect(str(path))
    for period, status in PERIOD_STATUS.items():
        if status:
            con.execute("insert into bonus_ops.period_status values (?, ?, now(), 'test')", [period, status])
    con.close()


@pytest.fixture
def env(tmp_path: Path):
    wh = tmp_path / "warehouse.duckdb"
    _build_warehouse(wh)
    return {"wh": wh, "root": tmp_path / "allocation", "tmp": tmp_path}


def _template(env, dept: str = "D01", period: str = P) -> Path:
    paths, _ = generate_templates(env["wh"], period, env["tmp"] / "templates", dept)
    return paths[0]


def _rows(ws) -> dict[str, int]:
    return {
        ws.cell(row=r, column=2).value: r for r in range(8, ws.max_row + 1) if ws.cell(row=r, column=2).value
    }


def _fill(path: Path, amounts=None, reasons=None, extra=(), reserve=None, name: str | None = None) -> Path:
    """Change amounts/reasons of listed people, add 划拨 rows (id, name, amount, dept, reason)."""
    wb = load_workbook(path)
    ws = wb["二次分配"]
    rows = _rows(ws)
    for sid, amount in (amounts or {}).items():
        ws[f"L{rows[sid]}"] = amount
    for sid, reason in (reasons or {}).items():
        ws[f"N{rows[sid]}"] = reason
    free = max(rows.values()) + 1
    for i, (sid, sname, amount, dept, reason) in enumerate(extra):
        r = free + i
        ws[f"B{r}"], ws[f"C{r}"], ws[f"L{r}"], ws[f"M{r}"], ws[f"N{r}"] = sid, sname, amount, dept, reason
    if reserve is not None:
        ws["C4"] = reserve
    out = path.with_name(name or f"filled_{path.name}")
    wb.save(out)
    return out


def _counts(wh: Path) -> dict[str, tuple[int, str]]:
    """Rows and a content hash of each bonus_ops table the submission writes."""
    con = duckdb.connect(str(wh))
    try:
        return {
            t: con.execute(
                f"select count(*), coalesce(md5(string_agg(x::varchar, '|' order by x::varchar)), '') "
                f"from bonus_ops.{t} x"
            ).fetchone()
            for t in COUNTED
        }
    finally:
        con.close()


def _submit(env, path: Path, by: str = "经办人甲"):
    return submit_allocation(path, env["wh"], env["root"], submitted_by=by)


def _rejected(env, path: Path, fragment: str, *, row: int | None = None, column: str | None = None):
    before = _counts(env["wh"])
    r = _submit(env, path)
    assert r.status == "rejected", r.messages
    hits = [e for e in r.errors if fragment in e.reason]
    assert hits, r.messages
    if row is not None:
        assert hits[0].row == row, hits[0].message
    if column is not None:
        assert hits[0].column == column, hits[0].message
    assert row is None or hits[0].sheet == "二次分配"
    assert _counts(env["wh"]) == before  # nothing loaded
    assert r.stored_path.parent == env["root"] / "rejected" and r.stored_path.exists()
    assert path.exists()  # the CLI copies, never moves the user's file
    with r.report_path.open(encoding="utf-8-sig") as f:
        report = list(csv.reader(f))
    assert report[0][0] == "文件" and any(fragment in row[-1] for row in report[1:])
    return r


# -- template ---------------------------------------------------------------------------------------
def test_template_contents(env):
    paths, status = generate_templates(env["wh"], P, env["tmp"] / "out")
    assert status == "calculated"
    assert sorted(p.name for p in paths) == [
        "二次分配_2025-10_D01_心血管内科.xlsx",
        "二次分配_2025-10_D02_普外科.xlsx",
    ]
    path = paths[0]
    assert is_allocation_workbook(path)
    wb = load_workbook(path)
    meta = wb["_jixiao"]
    assert meta.sheet_state == "veryHidden"
    kv = {r[0]: r[1] for r in meta.iter_rows(values_only=True)}
    assert kv["kind"] == "allocation" and kv["period"] == P and kv["perf_dept_code"] == "D01"
    assert kv["dept_pool"] == "40000.00" and kv["template_version"] == "1"
    assert wb.security.lockStructure

    ws = wb["二次分配"]
    assert ws["C3"].value == 40000 and ws["C3"].number_format == "#,##0.00"
    assert ws["I2"].value == P and "D01" in ws["C2"].value
    assert [c.value for c in ws[7]] == list(HEADERS)
    rows = _rows(ws)
    assert list(rows) == ["S001", "S002", "S003", "S004"]  # managers first
    assert ws[f"K{rows['S003']}"].value == 8500 and ws[f"L{rows['S003']}"].value == 8500
    assert ws[f"F{rows['S001']}"].value == "科主任"
    assert ws[f"L{rows['S003']}"].number_format == "#,##0.00"
    last = 8 + 4 + 5 - 1  # 4 people + 5 blank rows
    assert ws["I3"].value == f"=SUM(L8:L{last})"
    assert ws["L3"].value == "=ROUND(C3-I3-C4,2)"
    assert ws[f"A{last + 1}"].value == "合计" and ws[f"L{last + 1}"].value == f"=SUM(L8:L{last})"
    # protection: only the editable cells are unlocked
    assert ws.protection.sheet
    assert (
        not ws["L8"].protection.locked and not ws["M8"].protection.locked and not ws["N8"].protection.locked
    )
    assert ws["C4"].protection.locked is False
    assert ws["B8"].protection.locked and ws["K8"].protection.locked and ws["C3"].protection.locked
    assert not ws[f"B{last}"].protection.locked  # blank rows for 划拨 persons: 工号 editable
    # print setup
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert "心血管内科" in ws.oddHeader.center.text and P in ws.oddHeader.right.text
    texts = [c.value for row in ws.iter_rows(min_row=last + 2) for c in row if isinstance(c.value, str)]
    assert any("科主任签字" in t for t in texts) and any("经办人签字" in t for t in texts)
    assert any("日期" in t for t in texts)


def test_template_unknown_dept(env):
    with pytest.raises(AllocationError, match="没有科室 D99"):
        generate_templates(env["wh"], P, env["tmp"], "D99")


# -- happy path -------------------------------------------------------------------------------------
def test_submit_approve_print(env):
    filled = _fill(_template(env), amounts={"S002": 9500, "S004": 8800.5}, reserve=199.5)
    r = _submit(env, filled)
    assert r.status == "accepted", r.messages
    assert r.stored_path.parent == env["root"] / "accepted" and r.stored_path.exists()
    assert filled.exists()
    con = duckdb.connect(str(env["wh"]))
    v = con.execute(
        "select version_id, file_hash, submitted_by, dept_pool, declared_reserve, status, file_name "
        "from bonus_ops.allocation_versions"
    ).fetchall()
    assert v == [
        (
            r.version_id,
            file_sha256(filled),
            "经办人甲",
            Decimal("40000.00"),
            Decimal("199.50"),
            "accepted",
            filled.name,
        )
    ]
    lines = con.execute(
        "select staff_id, amount, suggested_amount, transfer_dept_code from bonus_ops.allocation_lines order by line_no"
    ).fetchall()
    assert lines[1] == ("S002", Decimal("9500.00"), Decimal("9000.00"), None)
    assert sum(x[1] for x in lines) + Decimal("199.50") == Decimal("40000.00")
    assert con.execute("select action, actor from bonus_ops.audit_log").fetchall() == [
        ("allocation_submit", "经办人甲")
    ]
    con.close()

    # a second submission supersedes the first (not yet approved)
    r2 = _submit(env, _fill(_template(env), name="second.xlsx"))
    assert r2.status == "accepted" and r2.superseded == [r.version_id]

    a = approve_allocation(env["wh"], P, "D01", approved_by="审批人乙")
    assert a.version_id == r2.version_id
    con = duckdb.connect(str(env["wh"]))
    got = dict(con.execute("select version_id, status from bonus_ops.allocation_versions").fetchall())
    assert got == {r.version_id: "superseded", r2.version_id: "approved"}
    assert con.execute(
        "select approved_by from bonus_ops.allocation_versions where status = 'approved'"
    ).fetchone() == ("审批人乙",)
    assert con.execute(
        "select count(*) from bonus_ops.audit_log where action = 'allocation_approve'"
    ).fetchone() == (1,)
    con.close()
    with pytest.raises(AllocationError, match="没有待审批"):
        approve_allocation(env["wh"], P, "D01", approved_by="审批人乙")

    status, rows = allocation_status(env["wh"], P)
    assert status == "calculated"
    by = {d.perf_dept_code: d for d in rows}
    assert by["D01"].version_status == "approved" and by["D01"].status_label == "已审批"
    assert by["D01"].total == Decimal("40000.00") and by["D02"].status_label == "未提交"

    out = print_allocation(env["wh"], P, "D01", env["tmp"] / "print")
    ws = load_workbook(out).active
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws["C3"].value == 40000 and ws["B8"].value == "S001"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("=SUM(I8:I11)") for t in texts)
    assert any("科主任签字" in t for t in texts)
    with pytest.raises(AllocationError, match="没有已审批"):
        print_allocation(env["wh"], P, "D02", env["tmp"] / "print")


def test_transfer_person_with_reason_accepted(env):
    # S103 (普外科) works in 心血管内科 this month: paid here, S004 gets less to keep the total
    filled = _fill(
        _template(env),
        amounts={"S004": 8000},
        reasons={"S004": "本月部分时间轮转"},
        extra=[("S103", "周护士", 1500, "D02", "本月支援心血管内科 5 天")],
    )
    r = _submit(env, filled)
    assert r.status == "accepted", r.messages
    con = duckdb.connect(str(env["wh"]))
    row = con.execute(
        "select amount, suggested_amount, transfer_dept_code, reason from bonus_ops.allocation_lines where staff_id = 'S103'"
    ).fetchone()
    con.close()
    assert row == (Decimal("1500.00"), None, "D02", "本月支援心血管内科 5 天")


def test_supplement(env):
    sid = add_supplement(
        env["wh"], "2025-09", "D01", "S002", "200.50", reason="漏发夜班补贴", recorded_by="绩效办"
    )
    con = duckdb.connect(str(env["wh"]))
    row = con.execute(
        "select supplement_id, staff_id, amount, reason from bonus_ops.allocation_supplements"
    ).fetchone()
    assert row == (sid, "S002", Decimal("200.50"), "漏发夜班补贴")
    assert con.execute("select action, reason from bonus_ops.audit_log").fetchall() == [
        ("allocation_supplement", "漏发夜班补贴")
    ]
    con.close()
    with pytest.raises(AllocationError, match="必须填写理由"):
        add_supplement(env["wh"], "2025-09", "D01", "S002", "1", reason=" ", recorded_by="x")
    with pytest.raises(AllocationError, match="尚未核算"):
        add_supplement(env["wh"], "2025-11", "D01", "S002", "1", reason="r", recorded_by="x")
    with pytest.raises(AllocationError, match="不是科室 D01 的人员"):
        add_supplement(env["wh"], "2025-09", "D01", "S101", "1", reason="r", recorded_by="x")


# -- rejections -------------------------------------------------------------------------------------
def test_reject_sum_off_by_a_cent(env):
    r = _rejected(
        env, _fill(_template(env), amounts={"S002": 8999.99}), "差 0.01 元（尚未分完）", row=3, column="L"
    )
    assert len(r.errors) == 1


def test_reject_stranger(env):
    filled = _fill(_template(env), amounts={"S004": 8000}, extra=[("S999", "路人", 1500, None, "帮忙")])
    r = _rejected(env, filled, "工号 S999（路人）本期不是本科室 D01（心血管内科）的人员", row=12, column="B")
    # 划拨 to a dept the person is not in is refused too
    filled = _fill(
        _template(env), amounts={"S004": 8000}, extra=[("S101", "钱主任", 1500, "D03", "支援")], name="x.xlsx"
    )
    _rejected(env, filled, "不是有效的科室编码", row=12, column="M")
    assert r.error_count == 1


def test_reject_negative_amount(env):
    filled = _fill(_template(env), amounts={"S002": -100, "S004": 18600}, reasons={"S004": "承担 S002 工作"})
    _rejected(env, filled, "分配金额不能为负数", row=9, column="L")


def test_reject_duplicate_staff_id(env):
    filled = _fill(_template(env), amounts={"S004": 8000}, extra=[("S002", "李医生", 1500, None, "重复")])
    _rejected(env, filled, "工号 S002 与第 9 行重复", row=12, column="B")


def test_reject_too_many_decimals(env):
    filled = _fill(_template(env), amounts={"S002": 8999.995, "S004": 9500.005})
    _rejected(env, filled, "超过 2 位小数", row=9, column="L")


def test_deviation_needs_reason(env):
    # S003: 8500 → 11500 is +35.29% (> 30%); S004 9500 → 6500 is −31.58%
    amounts = {"S003": 11500, "S004": 6500}
    r = _rejected(
        env,
        _fill(_template(env), amounts=amounts),
        "超过允许偏离 30%，须在「说明/理由」中写明理由",
        row=10,
        column="N",
    )
    assert len(r.errors) == 2 and "相差 3,000.00 元（35.29%）" in r.errors[0].reason
    ok = _fill(
        _template(env),
        amounts=amounts,
        reasons={"S003": "承担科室质控工作", "S004": "病假 5 天"},
        name="ok.xlsx",
    )
    assert _submit(env, ok).status == "accepted"


def test_reject_wrong_period(env):
    # a period without any pool (and status draft): the metadata says 2025-08
    path = _template(env)
    wb = load_workbook(path)
    for row in wb["_jixiao"].iter_rows():
        if row[0].value == "period":
            row[1].value = "2025-08"
    wb.save(path)
    r = _rejected(
        env, path, "期间错误：期间 2025-08 没有科室 D01（心血管内科）的奖金核算结果", row=3, column="C"
    )
    assert any("尚未核算" in m for m in r.messages)
    # a period with pools, but still draft
    _rejected(
        env, _template(env, period="2025-11"), "期间 2025-11 尚未核算（当前状态：草稿）", row=2, column="I"
    )
    # a period already issued: only 补录
    _rejected(
        env, _template(env, period="2025-09"), "已发放，不能再提交二次分配，只能补录", row=2, column="I"
    )


def test_reject_stale_pool(env):
    path = _template(env)
    con = duckdb.connect(str(env["wh"]))
    con.execute(
        "update marts.fct_dept_bonus_summary set dept_bonus = 40100 where perf_dept_code = 'D01' and period = ?",
        [P],
    )
    con.close()
    _rejected(env, path, "模板已过期", row=3, column="C")


def test_not_an_allocation_workbook(env, tmp_path):
    other = tmp_path / "other.xlsx"
    from openpyxl import Workbook

    Workbook().save(other)
    assert not is_allocation_workbook(other)
    _rejected(env, other, "不是二次分配表")


# -- inbox and CLI ----------------------------------------------------------------------------------
def test_take_in_inbox_moves_allocation_workbooks_only(env):
    inbox = env["tmp"] / "inbox"
    inbox.mkdir()
    good = _fill(_template(env), name="good.xlsx")
    good = good.rename(inbox / good.name)
    bad = _fill(_template(env, "D02"), amounts={"S102": 1}, name="bad.xlsx")
    bad = bad.rename(inbox / bad.name)
    (inbox / "满意度_2025-10.csv").write_text("统计期间\n", encoding="utf-8")
    results = take_in_inbox(inbox, env["wh"], env["root"])
    assert sorted(r.status for r in results) == ["accepted", "rejected"]
    assert [p.name for p in inbox.iterdir()] == ["满意度_2025-10.csv"]  # left for the normal intake
    assert any((env["root"] / "rejected").glob("*_bad.xlsx.errors.csv"))


def test_cli(env, monkeypatch):
    from orchestration import cli_allocation

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(env["tmp"]))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(env["wh"]))
    app = typer.Typer()
    app.command("noop")(lambda: None)
    cli_allocation.register(app)
    run = CliRunner().invoke

    res = run(app, ["allocation", "template", "--period", P])
    assert res.exit_code == 0, res.output
    tpl = env["tmp"] / "allocation" / "templates" / P / "二次分配_2025-10_D01_心血管内科.xlsx"
    assert tpl.exists() and "共 2 个科室" in res.output
    bad = _fill(tpl, amounts={"S002": 8999.99}, name="bad.xlsx")
    res = run(app, ["allocation", "submit", str(bad), "--by", "甲"])
    assert res.exit_code == 1 and "未受理" in res.output and "差 0.01 元" in res.output
    res = run(app, ["allocation", "submit", str(_fill(tpl, name="ok.xlsx")), "--by", "甲"])
    assert res.exit_code == 0 and "已受理" in res.output, res.output
    res = run(app, ["allocation", "approve", "--period", P, "--dept", "D01", "--by", "乙"])
    assert res.exit_code == 0 and "已审批" in res.output, res.output
    res = run(app, ["allocation", "status", "--period", P])
    assert res.exit_code == 0 and "已审批" in res.output and "未提交" in res.output, res.output
    res = run(app, ["allocation", "print", "--period", P, "--dept", "D01"])
    assert res.exit_code == 0 and (env["tmp"] / "allocation" / "print" / P).is_dir(), res.output
    args = ["--period", P, "--dept", "D01", "--staff", "S001", "--amount", "100", "--reason", "补发", "--by", "丙"]  # fmt: skip
    res = run(app, ["allocation", "supplement", *args])
    assert res.exit_code == 0 and "已补录" in res.output, res.output
    res = run(app, ["allocation", "approve", "--period", "2025-09", "--dept", "D01", "--by", "乙"])
    assert res.exit_code == 1 and "已发放" in res.output


# -- hostile and careless input (issue 14) --------------------------------------------------------------
HOSTILE = '=HYPERLINK("http://example.invalid/x","点此查看")'


def _formulas(path: Path) -> list[tuple[str, str, str]]:
    """(sheet, cell, formula) of every formula cell of a workbook the project wrote."""
    wb = load_workbook(path)
    return [
        (ws.title, c.coordinate, c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def test_hostile_reason_is_text_in_every_workbook_we_write(env):
    """A 说明/理由 that is a formula is stored and printed as the characters typed, never as a formula."""
    filled = _fill(_template(env), amounts={"S002": 9500}, reserve=-500 + 500, reasons={"S002": HOSTILE})
    r = _submit(env, _fill(filled, amounts={"S001": 12500}, name="hostile.xlsx"))
    assert r.status == "accepted", r.messages
    approve_allocation(env["wh"], P, "D01", approved_by="审批人乙")
    out = print_allocation(env["wh"], P, "D01", env["tmp"] / "print")
    ws = load_workbook(out).active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == HOSTILE)
    assert cell.data_type == "s" and cell.column_letter == "J"
    # the only formulas are the print's own totals: Σ 建议金额, Σ 分配金额, 分配合计 + 科室留存
    assert [f for _, _, f in _formulas(out)] == ["=SUM(H8:H11)", "=SUM(I8:I11)", "=I12+H3"]
    assert {f for _, _, f in _formulas(_template(env))} == {"=SUM(K8:K16)", "=SUM(L8:L16)", "=ROUND(C3-I3-C4,2)"}


def _tamper_metadata(path: Path, **values) -> Path:
    wb = load_workbook(path)
    meta = wb["_jixiao"]
    for row in meta.iter_rows():
        if row[0].value in values:
            row[1].value = values[row[0].value]
    out = path.with_name(f"tampered_{'_'.join(values)}.xlsx")
    wb.save(out)
    return out


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"first_row": "abc"}, "模板信息中的行号（first_row/last_row）无效，模板被修改；请重新生成模板后填写"),
        ({"last_row": "3000000"}, "模板信息中的行号（first_row/last_row）无效，模板被修改；请重新生成模板后填写"),
        ({"first_row": "1"}, "模板信息中的行号（first_row/last_row）无效，模板被修改；请重新生成模板后填写"),
        ({"reserve_cell": "ZZ"}, "模板信息中的科室留存单元格“ZZ”无效，模板被修改；请重新生成模板"),
        ({"dept_pool": "四万"}, "模板信息中的科室奖金总额无效，请重新生成模板"),
    ],
)
def test_edited_metadata_sheet_ends_in_the_rejection_path(env, values, message):
    """An edited hidden _jixiao sheet is a Chinese rejection with a report, never a traceback."""
    path = _tamper_metadata(_template(env), **values)
    r = _rejected(env, path, message)
    assert r.errors[0].message == f"文件 {path.name}，工作表「_jixiao」：{message}"


def test_an_unexpected_failure_still_rejects_with_a_report(env, monkeypatch):
    """A bug in a check (simulated) rejects the file with a Chinese report; the warehouse is untouched."""
    import connectors.allocation.validate as validate

    def broken(*args, **kwargs):
        raise KeyError("boom")

    filled = _fill(_template(env))
    monkeypatch.setattr(validate.store, "deviation_bound", broken)
    r = _rejected(env, filled, "文件无法处理（KeyError），未受理")
    assert r.report_path.with_name(r.report_path.name.replace(".csv", ".txt")).exists()


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("1,2,3,4.56", "分配金额“1,2,3,4.56”不是有效金额（千分位逗号只能按三位一组，如 1,234.56）"),
        ("13,00", "分配金额“13,00”不是有效金额（千分位逗号只能按三位一组，如 1,234.56）"),
        ("-0.00", "分配金额不能为负数（填写的是 -0.00）"),
        ("1e4", "分配金额“1e4”不是有效金额"),
        ("13000.5\u200b0\u200b1", "分配金额“13000.5\\u200b0\\u200b1”超过 2 位小数，金额最多精确到分"),
    ],
)
def test_one_strict_money_parser(env, amount, reason):
    _rejected(env, _fill(_template(env), amounts={"S001": amount}), reason, row=8, column="L")


def test_zero_width_space_does_not_make_a_second_person(env):
    """工号 S001 and S001+U+200B are the same person after normalisation: a duplicate, not a stranger."""
    path = _fill(_template(env), extra=[("S001\u200b", "张主任", 0, "", "")])
    _rejected(env, path, "工号 S001 与第 8 行重复，同一人只能出现一次", column="B")


def test_zero_width_reason_is_no_reason(env):
    with pytest.raises(AllocationError, match="补录必须填写理由"):
        add_supplement(env["wh"], P, "D01", "S001", "200", reason="\u200b \u200b", recorded_by="李四")


@pytest.mark.parametrize("keep_dimension", [True, False], ids=["declared", "no-dimension"])
def test_dimension_bomb_in_an_allocation_workbook(env, keep_dimension):
    """One cell at XFD1048576 in 「二次分配」: refused by its declared dimension, or — with the
    <dimension> removed — read only up to the template's rows and columns (fast either way)."""
    import re
    import time
    import zipfile

    path = _fill(_template(env), name="bomb.xlsx")
    wb = load_workbook(path)
    wb["二次分配"]["XFD1048576"] = "x"
    wb.save(path)
    if not keep_dimension:
        tmp = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item)
                dst.writestr(item, re.sub(rb"<dimension[^>]*/>", b"", data) if "worksheets" in item.filename else data)
        tmp.replace(path)
    t = time.perf_counter()
    if keep_dimension:
        r = _rejected(env, path, "工作表的行数 1,048,576 超过上限 50,000（声明的区域为 A1:XFD1048576）")
        assert r.errors[0].message.startswith("文件 bomb.xlsx：")
    else:
        assert _submit(env, path).status == "accepted"
    assert time.perf_counter() - t < 5
