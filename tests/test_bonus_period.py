"""The bonus period workflow (期间状态、复核调整、关账归档、重新开放、审计日志) on a tiny hand-made
warehouse: five minimal bonus marts for two periods, no pipeline run."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from connectors.bonus_state import ARCHIVED_MARTS
from orchestration import bonus_period as bp

P, OTHER = "2025-12", "2025-11"

MARTS_DDL = {
    "fct_bonus_pool": "period varchar, accounting_group varchar, pool_amount decimal(18,2), "
    "group_budget decimal(18,2), group_points decimal(18,4), point_price decimal(18,6), "
    "dept_bonus_total decimal(18,2), reserve_amount decimal(18,2)",
    "fct_dept_bonus": "period varchar, perf_dept_code varchar, accounting_group varchar, component_code varchar, "
    "amount decimal(18,2)",
    "fct_dept_bonus_summary": "period varchar, perf_dept_code varchar, dept_bonus decimal(18,2), headcount integer",
    "fct_bonus_warnings": "period varchar, perf_dept_code varchar, rule_code varchar, detail varchar",
    "fct_staff_bonus": "period varchar, perf_dept_code varchar, staff_id varchar, amount decimal(18,2), reason varchar",
}


def _rows(period: str) -> dict[str, list[tuple]]:
    return {
        "fct_bonus_pool": [
            (period, "doctor", "100000.00", "60000.00", "1200.0000", "50.000000", "59000.00", "1000.00"),
            (period, "nurse", "100000.00", "40000.00", "800.0000", "50.000000", "40000.00", "0.00"),
        ],
        "fct_dept_bonus": [
            (period, "D01", "doctor", "workload", "30000.00"),
            (period, "D01", "doctor", "night_shift", "1500.50"),
            (period, "D02", "nurse", "workload", "40000.00"),
        ],
        "fct_dept_bonus_summary": [(period, "D01", "31500.50", 10), (period, "D02", "40000.00", 12)],
        "fct_bonus_warnings": [(period, "D01", "mom_change", "环比 +35%")],
        "fct_staff_bonus": [
            (period, "D01", "S001", "5000.00", None),
            (period, "D01", "S002", "4800.10", "夜班"),
        ],
    }


def _make_marts(path: Path, reverse: bool = False) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        for mart, ddl in MARTS_DDL.items():
            con.execute(f"CREATE TABLE marts.{mart} ({ddl})")
            rows = _rows(OTHER)[mart] + _rows(P)[mart]
            for r in reversed(rows) if reverse else rows:
                con.execute(f"INSERT INTO marts.{mart} VALUES ({', '.join('?' * len(r))})", list(r))
    finally:
        con.close()


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    _make_marts(path)
    return path


def _sql(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _actions(path: Path, period: str = P) -> list[str]:
    return [e.action for e in bp.audit_log(path, period)]


def _to_audited(path: Path, period: str = P) -> None:
    bp.mark_calculated(path, period, "张三")
    bp.audit_period(path, period, "李四")


# ----------------------------------------------------------------------------------- state machine
def test_state_machine_refuses_illegal_transitions(wh: Path, tmp_path: Path):
    assert bp.period_status(tmp_path / "missing.duckdb", P) == "draft"
    assert bp.period_status(wh, P) == "draft"

    with pytest.raises(bp.BonusPeriodError, match="当前状态为「草稿」，审核只能在「已核算」状态下进行"):
        bp.audit_period(wh, P, "李四")
    with pytest.raises(bp.BonusPeriodError, match="关账只能在「已审核」状态下进行"):
        bp.close_period(wh, P, "王五")
    with pytest.raises(bp.BonusPeriodError, match="重新开放只能在「已发放」状态下进行"):
        bp.reopen_period(wh, P, "更正", "王五")
    with pytest.raises(bp.BonusPeriodError, match="复核调整只能在「已核算」、「已审核」状态下进行"):
        bp.adjust_component(wh, P, "D01", "doctor", "workload", "1", "原因", "李四")
    with pytest.raises(bp.BonusPeriodError, match="必须填写审核人"):
        bp.audit_period(wh, P, " ")
    with pytest.raises(bp.BonusPeriodError, match="期间格式应为 YYYY-MM"):
        bp.period_status(wh, "2025-13")
    assert _actions(wh) == []  # refused operations write nothing

    assert bp.check_can_run(wh, P) == "draft"
    t = bp.mark_calculated(wh, P, "张三", seconds=12.34, run_id="abc")
    assert (t.old_status, t.new_status, t.audit_voided) == ("draft", "calculated", False)
    assert bp.period_status(wh, P) == "calculated" and bp.period_status(wh, OTHER) == "draft"
    with pytest.raises(
        bp.BonusPeriodError, match="关账只能在「已审核」状态下进行（请先 jixiao bonus audit 审核）"
    ):
        bp.close_period(wh, P, "王五")

    assert bp.audit_period(wh, P, "李四").new_status == "audited"
    with pytest.raises(bp.BonusPeriodError, match="当前状态为「已审核」，审核只能在「已核算」"):
        bp.audit_period(wh, P, "李四")
    # A recalculation voids the audit, and the log says so.
    t = bp.mark_calculated(wh, P, "张三")
    assert (t.old_status, t.new_status, t.audit_voided) == ("audited", "calculated", True)
    last = bp.audit_log(wh, P)[-1]
    assert last.action == "calculate" and last.reason == "重新核算，原审核作废"
    assert json.loads(last.detail) == {"from": "audited", "to": "calculated", "audit_voided": True}

    bp.audit_period(wh, P, "李四")
    bp.close_period(wh, P, "王五")
    assert bp.period_status(wh, P) == "issued"
    for refused in (
        lambda: bp.check_can_run(wh, P),
        lambda: bp.mark_calculated(wh, P, "张三"),
        lambda: bp.audit_period(wh, P, "李四"),
        lambda: bp.adjust_component(wh, P, "D01", "doctor", "workload", "1", "原因", "李四"),
    ):
        with pytest.raises(bp.BonusPeriodError, match="已发放，需先 reopen"):
            refused()
    with pytest.raises(
        bp.BonusPeriodError, match="当前状态为「已发放」，关账只能在「已审核」状态下进行（已关账）"
    ):
        bp.close_period(wh, P, "王五")

    log = bp.audit_log(wh, P)
    assert [e.action for e in log] == ["calculate", "audit", "calculate", "audit", "close"]
    assert [e.actor for e in log] == ["张三", "李四", "张三", "李四", "王五"]
    assert json.loads(log[0].detail) == {
        "from": "draft",
        "to": "calculated",
        "seconds": 12.3,
        "run_id": "abc",
    }
    rows = bp.list_statuses(wh)
    assert [(r.period, r.status, r.changed_by) for r in rows] == [
        (P, "issued", "王五"),
        (OTHER, "draft", None),
    ]
    assert rows[0].content_hash and rows[0].archive_id


# ----------------------------------------------------------------------------------- adjust
def test_adjust_reads_old_value_and_supersedes_the_previous_adjustment(wh: Path):
    bp.mark_calculated(wh, P, "张三")
    with pytest.raises(bp.BonusPeriodError, match="必须填写调整原因"):
        bp.adjust_component(wh, P, "D01", "doctor", "night_shift", "1600", "  ", "李四")
    with pytest.raises(bp.BonusPeriodError, match="超过 2 位小数，金额最多精确到分"):
        bp.adjust_component(wh, P, "D01", "doctor", "night_shift", "1600.001", "原因", "李四")
    with pytest.raises(bp.BonusPeriodError, match="金额“一千”不是有效金额"):
        bp.adjust_component(wh, P, "D01", "doctor", "night_shift", "一千", "原因", "李四")
    with pytest.raises(
        bp.BonusPeriodError,
        match="没有这一项：期间 2025-12，科室 D01，核算分组 nurse，奖金组成 workload",
    ):
        bp.adjust_component(wh, P, "D01", "nurse", "workload", "1", "原因", "李四")

    a1 = bp.adjust_component(wh, P, "D01", "doctor", "night_shift", "1600", "夜班漏报 2 个", "李四")
    assert (a1.old_value, a1.new_value, a1.superseded) == (Decimal("1500.50"), Decimal("1600.00"), ())
    assert a1.transition.old_status == a1.transition.new_status == "calculated"

    # After a rerun the mart shows the adjusted value; the next adjustment sees that as its old value.
    _sql(
        wh,
        "UPDATE marts.fct_dept_bonus SET amount = 1600 WHERE period = ? AND component_code = 'night_shift'",
        [P],
    )
    bp.audit_period(wh, P, "王五")
    a2 = bp.adjust_component(wh, P, "D01", "doctor", "night_shift", "1650.5", "再核实为 3 个", "赵六")
    assert a2.old_value == Decimal("1600.00") and a2.superseded == (a1.adjustment_id,)
    assert (a2.transition.old_status, a2.transition.new_status, a2.transition.audit_voided) == (
        "audited",
        "calculated",
        True,
    )
    assert bp.period_status(wh, P) == "calculated"
    # Another key is independent.
    a3 = bp.adjust_component(wh, P, "D02", "nurse", "workload", "39000", "扣减", "赵六")
    assert a3.superseded == ()

    adj = bp.list_adjustments(wh, P)
    assert [(a.adjustment_id, a.is_active) for a in adj] == [
        (a1.adjustment_id, False),
        (a2.adjustment_id, True),
        (a3.adjustment_id, True),
    ]
    assert (
        adj[1].reason == "再核实为 3 个"
        and adj[1].adjusted_by == "赵六"
        and adj[1].new_value == Decimal("1650.50")
    )
    assert bp.list_adjustments(wh, OTHER) == []

    log = [e for e in bp.audit_log(wh, P) if e.action == "adjust"]
    assert [(e.perf_dept_code, e.reason) for e in log] == [
        ("D01", "夜班漏报 2 个"),
        ("D01", "再核实为 3 个"),
        ("D02", "扣减"),
    ]
    d = json.loads(log[1].detail)
    assert d["old_value"] == "1600.00" and d["new_value"] == "1650.50" and d["audit_voided"] is True
    assert d["superseded"] == [a1.adjustment_id]


# ----------------------------------------------------------------------------------- close
def test_close_archives_the_period_and_records_its_hash(wh: Path):
    _to_audited(wh)
    r = bp.close_period(wh, P, "王五")
    expected_counts = {m: len(rows) for m, rows in _rows(P).items()}
    assert r.row_counts == expected_counts
    for mart in ARCHIVED_MARTS:
        archived = _sql(wh, f"SELECT * EXCLUDE (archive_id) FROM bonus_archive.{mart} ORDER BY ALL")
        live = _sql(wh, f"SELECT * FROM marts.{mart} WHERE period = ? ORDER BY ALL", [P])
        assert archived == live
        assert _sql(wh, f"SELECT DISTINCT archive_id FROM bonus_archive.{mart}") == [(r.archive_id,)]

    (row,) = _sql(
        wh,
        "SELECT archive_id, period, closed_by, content_hash, table_hashes, row_counts, is_active, reopened_at "
        "FROM bonus_ops.period_archive",
    )
    assert row[:4] == (r.archive_id, P, "王五", r.content_hash)
    assert json.loads(row[4]) == r.table_hashes and json.loads(row[5]) == expected_counts
    assert row[6] is True and row[7] is None
    assert bp.published_hash(wh, P) == (r.content_hash, r.table_hashes)
    assert bp.overall_hash(r.table_hashes) == r.content_hash

    # Rows of another period do not touch the closed period's hash …
    _sql(wh, "UPDATE marts.fct_dept_bonus SET amount = amount + 1 WHERE period = ?", [OTHER])
    _sql(wh, "INSERT INTO marts.fct_staff_bonus VALUES (?, 'D09', 'S999', 1, NULL)", [OTHER])
    assert bp.published_hash(wh, P)[0] == r.content_hash
    # … a change of one cent in the closed period does.
    _sql(
        wh,
        "UPDATE marts.fct_dept_bonus SET amount = amount + 0.01 WHERE period = ? AND perf_dept_code = 'D02'",
        [P],
    )
    overall, per_table = bp.published_hash(wh, P)
    assert overall != r.content_hash
    assert [m for m in ARCHIVED_MARTS if per_table[m] != r.table_hashes[m]] == ["fct_dept_bonus"]
    log = bp.audit_log(wh, P)[-1]
    assert log.action == "close" and json.loads(log.detail)["archive_id"] == r.archive_id


def test_close_refuses_numbers_changed_after_the_audit(wh: Path):
    _to_audited(wh)
    # a pipeline run after the audit (e.g. the nightly refresh of late data) changes one cent
    _sql(wh, "UPDATE marts.fct_dept_bonus SET amount = amount + 0.01 WHERE period = ? AND perf_dept_code = 'D02'", [P])
    with pytest.raises(bp.BonusPeriodError, match="在审核之后发生了变化"):
        bp.close_period(wh, P, "王五")
    assert bp.period_status(wh, P) == "audited"
    assert _sql(wh, "SELECT count(*) FROM bonus_ops.period_archive") == [(0,)]
    # recalculated and audited again: the audited numbers are the ones closed
    bp.mark_calculated(wh, P, "张三")
    bp.audit_period(wh, P, "李四")
    r = bp.close_period(wh, P, "王五")
    assert bp.published_hash(wh, P)[0] == r.content_hash


def test_close_refuses_without_marts_or_rows(tmp_path: Path, wh: Path):
    bare = tmp_path / "bare.duckdb"
    _to_audited(bare)
    with pytest.raises(bp.BonusPeriodError, match=r"奖金结果表不存在：marts\.fct_bonus_pool"):
        bp.close_period(bare, P, "王五")
    _to_audited(wh, "2025-10")
    with pytest.raises(bp.BonusPeriodError, match="没有期间 2025-10 的行"):
        bp.close_period(wh, "2025-10", "王五")
    assert bp.period_status(wh, "2025-10") == "audited"
    assert _sql(wh, "SELECT count(*) FROM bonus_ops.period_archive") == [(0,)]


# ----------------------------------------------------------------------------------- CLI: reopen, run
@pytest.fixture
def cli(wh: Path, tmp_path: Path, monkeypatch):
    import os

    from orchestration.cli import app

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(wh))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("DBT_PROFILES_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    return invoke


def test_reopen_requires_a_reason_and_a_second_close_gets_a_new_archive(wh: Path, cli):
    _to_audited(wh)
    first = cli("close", "--period", P, "--by", "王五")
    assert first.exit_code == 0, first.output
    assert "已关账归档" in first.output

    no_reason = cli("reopen", "--period", P, "--by", "王五")
    assert no_reason.exit_code == 1
    assert "重新开放期间 2025-12 必须填写原因" in no_reason.output
    blank = cli("reopen", "--period", P, "--reason", "   ", "--by", "王五")
    assert blank.exit_code == 1 and "必须填写原因" in blank.output
    assert bp.period_status(wh, P) == "issued"

    ok = cli("reopen", "--period", P, "--reason", "护理组夜班数据更正", "--by", "王五")
    assert ok.exit_code == 0, ok.output
    assert "已发放 → 草稿" in ok.output
    assert bp.period_status(wh, P) == "draft"
    (arch,) = _sql(
        wh, "SELECT archive_id, is_active, reopened_by, reopen_reason FROM bonus_ops.period_archive"
    )
    assert arch[1:] == (False, "王五", "护理组夜班数据更正")
    assert _sql(wh, "SELECT count(*) FROM bonus_archive.fct_dept_bonus") == [(3,)]  # never deleted
    last = bp.audit_log(wh, P)[-1]
    assert (last.action, last.actor, last.reason) == ("reopen", "王五", "护理组夜班数据更正")
    assert json.loads(last.detail)["archive_ids"] == [arch[0]]

    again = cli("bonus", "audit", "--period", P, "--by", "李四")
    assert again.exit_code == 1 and "当前状态为「草稿」" in again.output

    _to_audited(wh)
    second = bp.close_period(wh, P, "王五")
    assert second.archive_id != arch[0]
    assert _sql(wh, "SELECT archive_id, is_active FROM bonus_ops.period_archive ORDER BY closed_at") == [
        (arch[0], False),
        (second.archive_id, True),
    ]
    assert _sql(
        wh, "SELECT archive_id, count(*) FROM bonus_archive.fct_dept_bonus GROUP BY 1 ORDER BY 2, 1"
    ) == sorted([(arch[0], 3), (second.archive_id, 3)], key=lambda x: (x[1], x[0]))
    status = cli("bonus", "status", "--period", P)
    assert status.exit_code == 0, status.output
    assert second.content_hash in status.output and "与归档哈希一致" in status.output
    log = cli("bonus", "log", "--period", P)
    assert log.exit_code == 0 and "重新开放" in log.output and "护理组夜班数据更正" in log.output


def test_bonus_run_cli_uses_the_status_logic(wh: Path, cli, monkeypatch):
    calls: list[str] = []

    def fake_pipeline(period: str) -> bp.PipelineOutcome:
        calls.append(period)
        return bp.PipelineOutcome(True, 1.25, "run-0001")

    monkeypatch.setattr(bp, "run_bonus_pipeline", fake_pipeline)
    _to_audited(wh)
    res = cli("bonus", "run", "--period", P, "--by", "张三")
    assert res.exit_code == 0, res.output
    assert calls == [P]
    assert "已审核 → 已核算（原审核作废，需重新审核）" in res.output
    assert "100,000.00" in res.output and "预警 1 条" in res.output
    assert json.loads(bp.audit_log(wh, P)[-1].detail)["run_id"] == "run-0001"

    bp.audit_period(wh, P, "李四")
    bp.close_period(wh, P, "王五")
    refused = cli("bonus", "run", "--period", P)
    assert refused.exit_code == 1 and "已发放，需先 reopen" in refused.output
    assert calls == [P]  # the pipeline was not started

    monkeypatch.setattr(bp, "run_bonus_pipeline", lambda period: bp.PipelineOutcome(False, 0.5, "run-0002"))
    failed = cli("bonus", "run", "--period", OTHER, "--by", "张三")
    assert failed.exit_code == 1 and "期间状态未改变（仍为「草稿」）" in failed.output
    assert bp.period_status(wh, OTHER) == "draft"


def test_adjust_cli(wh: Path, cli):
    bp.mark_calculated(wh, P, "张三")
    missing = cli("bonus", "adjust", "--period", P, "--dept", "D03", "--group", "doctor", "--component", "workload",
                  "--value", "1", "--reason", "x", "--by", "李四")  # fmt: skip
    assert missing.exit_code == 1 and "科室 D03" in missing.output
    no_reason = cli("bonus", "adjust", "--period", P, "--dept", "D01", "--group", "doctor", "--component", "workload",
                    "--value", "1", "--by", "李四")  # fmt: skip
    assert no_reason.exit_code == 1 and "必须填写调整原因" in no_reason.output
    ok = cli("bonus", "adjust", "--period", P, "--dept", "D01", "--group", "doctor", "--component", "workload",
             "--value", "31,000", "--reason", "补计手术", "--by", "李四")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert "30,000.00 → 31,000.00" in ok.output and f"jixiao bonus run --period {P}" in ok.output
    listing = cli("bonus", "adjustments", "--period", P)
    assert listing.exit_code == 0 and "补计手术" in listing.output and "有效" in listing.output


# ----------------------------------------------------------------------------------- hashing
def test_hash_is_canonical(tmp_path: Path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    _make_marts(a)
    _make_marts(b, reverse=True)
    assert bp.published_hash(a, P) == bp.published_hash(b, P)
    assert bp.published_hash(a, OTHER) == bp.published_hash(b, OTHER)
    assert bp.published_hash(a, P)[0] != bp.published_hash(a, OTHER)[0]

    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    try:
        con.execute("CREATE TABLE t1 (period varchar, x decimal(18,2), s varchar)")
        con.execute("CREATE TABLE t2 (s varchar, x decimal(18,4), period varchar)")  # other order and scale
        con.execute("INSERT INTO t1 VALUES ('p', 1.50, NULL), ('p', 2, 'null'), ('p', -0.00, '')")
        con.execute("INSERT INTO t2 VALUES ('', 0, 'p'), ('null', 2.0000, 'p'), (NULL, 1.5, 'p')")
        h1 = bp.content_hash(con, "t1", ["period", "x", "s"], "period = ?", ["p"])
        h2 = bp.content_hash(con, "t2", ["s", "x", "period"], "period = ?", ["p"])
        assert h1 == h2 and h1[1] == 3
        # NULL and the text "null" / "" are different values.
        con.execute("UPDATE t2 SET s = 'null' WHERE s IS NULL")
        assert bp.content_hash(con, "t2", ["s", "x", "period"], "period = ?", ["p"])[0] != h1[0]
    finally:
        con.close()
    assert bp.render_value(Decimal("100.00")) == "100" and bp.render_value(Decimal("0.10")) == "0.1"
    assert bp.render_value(Decimal("1E+3")) == "1000" and bp.render_value(None) is None
