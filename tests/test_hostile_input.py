"""Hostile and careless input (恶意与粗心输入, issue 14): the intake never hangs, never silently replaces,
never injects; every CLI error is one Chinese line; the salt and patient ids stay private.

Every file here is built by the test itself. Each rejection asserts the exact Chinese message, that
the file left the inbox for quarantine/ with its report, and that the warehouse is unchanged (row
count and a content hash of every raw_manual table before and after). The 二次分配 side of the same
rules is in tests/test_allocation.py (same fixtures as its other tests).
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
import typer
from openpyxl import Workbook, load_workbook

from connectors.intake import build_template, ensure_dataset_tables, get_spec, intake_folder
from orchestration import cli_errors
from orchestration.cli import app

from conftest import REPO, query_duckdb

HOSTILE = '=HYPERLINK("http://example.invalid/x","点此查看")'
SAT = ["2025-10", "D0101", "门诊", 120, 95.5]


# -- harness --------------------------------------------------------------------------------------------
class Intake:
    """An inbox, an intake root and a warehouse that already holds other people's filings."""

    def __init__(self, tmp: Path):
        self.inbox, self.root, self.wh = tmp / "inbox", tmp / "intake", tmp / "warehouse.duckdb"
        self.inbox.mkdir()
        ensure_dataset_tables(self.wh)
        fill(self.inbox, "满意度_已有.xlsx", [SAT, ["2025-10", "D0102", "住院", 80, 92.25]])
        fill(self.inbox, "核减_已有.xlsx", [["2025-10", "D0101", "病历质量", "100", "甲级病历率不达标", "张三"]],
             "dept_penalty")  # fmt: skip
        assert [r.status for r in self.take()] == ["accepted", "accepted"]

    def take(self):
        return intake_folder(self.inbox, self.wh, self.root)

    def state(self) -> dict[str, tuple[int, str]]:
        """(rows, md5 of the rows in order) of every raw_manual table but the attempt log."""
        tables = [r[0] for r in query_duckdb(self.wh, "SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'raw_manual' AND table_name <> '_intake_log'")]  # fmt: skip
        return {
            t: query_duckdb(self.wh, f"SELECT count(*), coalesce(md5(string_agg(x::varchar, '|' ORDER BY x::varchar)), '') "
                                     f"FROM (SELECT * EXCLUDE (_extracted_at) FROM raw_manual.{t}) x")[0]  # fmt: skip
            for t in sorted(tables)
        }

    def rejected(self, path: Path) -> list[str]:
        """Take ``path`` in; assert it was quarantined with its report and changed nothing; its messages."""
        before = self.state()
        (result,) = self.take()
        assert result.status == "rejected", result.messages
        assert not path.exists(), "a rejected file must leave the inbox"
        assert result.stored_path.parent == self.root / "quarantine" and result.stored_path.exists()
        assert result.report_path.exists() and Path(str(result.stored_path) + ".errors.txt").exists()
        assert self.state() == before
        return result.messages


@pytest.fixture
def intake(tmp_path: Path) -> Intake:
    return Intake(tmp_path)


def fill(folder: Path, name: str, rows: list[list], dataset: str = "dept_satisfaction") -> Path:
    path = build_template(dataset, folder / name)
    wb = load_workbook(path)
    ws = wb[get_spec(dataset).sheet]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


# -- 3. hidden and extra sheets -------------------------------------------------------------------------
def test_a_hidden_template_sheet_is_refused_not_loaded(intake):
    path = fill(intake.inbox, "满意度_隐藏.xlsx", [["2025-10", "D0101", "门诊", 1, 1]])
    wb = load_workbook(path)
    wb["科室满意度"].sheet_state = "hidden"
    visible = wb.create_sheet("Sheet1", 0)
    visible.append(["统计期间", "科室编码", "调查类型", "样本量", "满意度得分"])
    visible.append(SAT)
    wb.active = 0
    wb.save(path)
    assert intake.rejected(path) == [
        "文件 满意度_隐藏.xlsx，工作表「科室满意度」：工作表「科室满意度」是隐藏的工作表，其内容在 Excel 中看不到，不予读取；"
        "请取消隐藏并核对内容后重新提交"
    ]


def test_extra_sheets_are_named_as_ignored(intake):
    path = fill(intake.inbox, "满意度_多表.xlsx", [["2025-10", "D0103", "员工", 30, 88]])
    wb = load_workbook(path)
    wb.create_sheet("备注").append(["2025-10", "D0104", "员工", 1, 1])
    wb.create_sheet("旧数据").sheet_state = "hidden"
    wb.save(path)
    (result,) = intake.take()
    assert result.status == "accepted" and (result.added, result.replaced, result.removed) == (1, 0, 0)
    assert result.notes == [
        "已忽略多余的工作表「备注」（只读取工作表「科室满意度」）",
        "已忽略隐藏工作表「旧数据」（只读取工作表「科室满意度」）",
    ]
    assert query_duckdb(intake.wh, "SELECT notes FROM raw_manual._intake_log WHERE file = '满意度_多表.xlsx'") == [
        ("已忽略多余的工作表「备注」（只读取工作表「科室满意度」）；已忽略隐藏工作表「旧数据」（只读取工作表「科室满意度」）",)
    ]


# -- 4. replacement scope (the other side: tests/test_intake.py) ------------------------------------------
def test_a_one_row_file_replaces_one_row_and_says_so(intake):
    fill(intake.inbox, "满意度_一行.xlsx", [["2025-10", "D0101", "门诊", 121, 96]])
    (result,) = intake.take()
    assert (result.row_count, result.added, result.replaced, result.removed) == (1, 0, 1, 0)
    assert query_duckdb(intake.wh, "SELECT count(*) FROM raw_manual.dept_satisfaction") == [(2,)]


def test_cli_states_rows_added_replaced_removed(intake, monkeypatch, capsys):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(intake.wh.parent))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(intake.wh))
    path = fill(intake.inbox, "满意度_一行.xlsx", [["2025-10", "D0101", "门诊", 121, 96]])
    assert _main(["intake", "load", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已入库 满意度_一行.xlsx：1 行（新增 0、替换 1、删除 0，按键替换），期间 2025-10" in out


# -- 2, 6, 7, 9, 11: one malformed file each --------------------------------------------------------------
PEN = "dept_penalty"
CASES = {
    "zero-width key is a duplicate": (PEN, [["2025-10", "D0102", "院感检查", "10", "手卫生", ""],
                                            ["2025-10", "D0102", "院感检查\u200b", "20", "手卫生", ""]],
        ["文件 核减_x.xlsx，工作表「科室核减」，第 3 行：统计期间、科室编码、核减项目的组合“2025-10 / D0102 / 院感检查”"
         "与第 2 行重复（本行实际填写的是“2025-10 / D0102 / 院感检查\\u200b”，含不可见字符）"]),
    "zero-width required text is empty": (PEN, [["2025-10", "D0102", "院感检查", "10", "\u200b\u200b", ""]],
        ["文件 核减_x.xlsx，工作表「科室核减」，第 2 行，E 列「原因说明」：必填项不能为空（单元格只有空白或不可见字符“\\u200b\\u200b”）"]),
    "money: thousands separator not in threes": (PEN, [["2025-10", "D0102", "院感检查", "1,00", "手卫生", ""]],
        ["文件 核减_x.xlsx，工作表「科室核减」，第 2 行，D 列「核减金额」：金额“1,00”不是有效金额（千分位逗号只能按三位一组，如 1,234.56）"]),
    "money: negative zero": (PEN, [["2025-10", "D0102", "院感检查", "-0.00", "手卫生", ""]],
        ["文件 核减_x.xlsx，工作表「科室核减」，第 2 行，D 列「核减金额」：金额不能为负数（填写的是 -0.00）"]),
    "parent department": ("dept_satisfaction", [["2025-10", "D01", "门诊", 10, 90]],
        ["文件 核减_x.xlsx，工作表「科室满意度」，第 2 行，B 列「科室编码」：值“D01”是上级科室（非核算单元），请填写其下属核算科室的编码"]),
    "period in the future": ("dept_satisfaction", [["2099-01", "D0101", "门诊", 10, 90]],
        [re.compile(r"^文件 核减_x\.xlsx，工作表「科室满意度」，第 2 行，A 列「统计期间」：期间“2099-01”晚于当前日期 \d{4}-\d{2}，"
                    r"最晚可填 \d{4}-\d{2}（不能填报未来期间）$")]),
    "unknown indicator": ("kpi_target", [["2025", "D0101", "K99", "0.3", "", "", ""]],
        ["文件 核减_x.xlsx，工作表「科室目标值」，第 2 行，C 列「指标编码」：“K99”不是指标库中启用的指标编码（seeds/kpi/kpi_indicators.csv）"]),
    "baseline better than best": ("kpi_target", [["2025", "D0101", "K01", "", "0.5", "0.2", ""]],
        ["文件 核减_x.xlsx，工作表「科室目标值」，第 2 行，F 列「最优值」：指标 K01（三四级手术占比）越高越好，最优值 0.2 应大于基准值 0.5"]),
    "negative filed value": ("filed_indicator", [["2025", "filed_emr_level", "-3", "", ""]],
        ["文件 核减_x.xlsx，工作表「医院填报指标」，第 2 行，C 列「指标值」：值“-3”小于最小值 0"]),
    "filed code that is not filed": ("filed_indicator", [["2025", "ip_discharges", "3", "", ""]],
        ["文件 核减_x.xlsx，工作表「医院填报指标」，第 2 行，B 列「指标编码」：“ip_discharges”不是需医院填报的指标编码"
         "（seeds/national/national_components.csv 中 source_kind=filed 的项）"]),
    "formula without a cached value": ("dept_satisfaction", [["2025-10", "D0103", "门诊", "=10*12", 90]],
        ["文件 核减_x.xlsx，工作表「科室满意度」，第 2 行，D 列「样本量」：单元格是公式，但文件中没有保存计算结果"
         "（文件不是用 Excel 保存的）；请在 Excel 中打开、保存后重新提交，或直接填写数值"]),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_file_is_quarantined_with_the_exact_message(intake, case):
    dataset, rows, expected = CASES[case]
    messages = intake.rejected(fill(intake.inbox, "核减_x.xlsx", rows, dataset))
    assert len(messages) == len(expected), messages
    for got, want in zip(messages, expected, strict=True):
        assert want.match(got) if isinstance(want, re.Pattern) else got == want, got


def test_error_report_csv_never_carries_a_live_formula(intake):
    """The value column of .errors.csv shows what the user typed, prefixed so Excel shows it as text."""
    path = intake.inbox / "满意度_注入.csv"  # in a CSV the text arrives as typed
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["统计期间", "科室编码", "调查类型", "样本量", "满意度得分"], ["2025-10", HOSTILE, "门诊", 10, 90]])
    assert intake.rejected(path) == [
        f"文件 满意度_注入.csv，第 2 行，B 列「科室编码」：值“{HOSTILE}”不是有效的科室编码（科室字典中不存在或已停用）"
    ]
    report = next((intake.root / "quarantine").glob("*满意度_注入.csv.errors.csv"))
    with report.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[1][5] == "'" + HOSTILE
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_row_limit_is_configurable_and_streamed(intake, monkeypatch):
    monkeypatch.setenv("JIXIAO_UPLOAD_MAX_ROWS", "5")
    path = intake.inbox / "满意度_多行.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["统计期间", "科室编码", "调查类型", "样本量", "满意度得分"]] + [SAT] * 9)
    assert intake.rejected(path) == [
        "文件 满意度_多行.csv：工作表的行数 6 超过上限 5（JIXIAO_UPLOAD_MAX_ROWS）；请删除表格下方多余的内容（含格式）后重新提交"
    ]


def test_an_unreadable_limit_setting_is_a_configuration_error_and_files_stay(intake, monkeypatch, capsys):
    """A typo in JIXIAO_UPLOAD_MAX_BYTES is the operator's: no file is blamed or moved."""
    monkeypatch.setenv("JIXIAO_UPLOAD_MAX_BYTES", "十兆")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(intake.wh.parent))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(intake.wh))
    path = fill(intake.inbox, "满意度_x.xlsx", [SAT])
    before = intake.state()
    assert _main(["intake", "load", str(path)]) == 2
    assert capsys.readouterr().err.strip() == "配置错误：JIXIAO_UPLOAD_MAX_BYTES 应为正整数，收到：十兆"
    assert path.exists() and intake.state() == before


def test_an_unexpected_failure_is_logged_not_printed(intake, monkeypatch, capsys):
    """A bug in a check rejects the file; the traceback goes to jixiao.log, not to the terminal."""
    import connectors.intake.validate as validate

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(validate, "_check_sheet", broken)
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(intake.wh.parent))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(intake.wh))
    path = fill(intake.inbox, "满意度_x.xlsx", [SAT])
    assert _main(["intake", "load", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and err == ""
    assert "文件 满意度_x.xlsx：文件无法处理（KeyError），已退回；请联系绩效办数据组查看日志" in out
    log = (intake.wh.parent / "logs" / "jixiao.log").read_text(encoding="utf-8")
    assert "intake: unexpected failure while checking 满意度_x.xlsx" in log and "KeyError: 'boom'" in log
    assert not path.exists()


# -- 2. bombs: rejected in ≤ 5 s and ≤ 300 MB peak, measured in a process of their own ----------------------
def _dimension_bomb(folder: Path, keep_dimension: bool) -> Path:
    path = folder / ("满意度_维度炸弹.xlsx" if keep_dimension else "满意度_无维度炸弹.xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = "科室满意度"
    ws.append(["统计期间", "科室编码", "调查类型", "样本量", "满意度得分"])
    ws["XFD1048576"] = "x"
    wb.save(path)
    if not keep_dimension:  # a sheet may omit <dimension>: the streaming reader must stop by itself
        tmp = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename.startswith("xl/worksheets/"):
                    data = re.sub(rb"<dimension[^>]*/>", b"", data)
                dst.writestr(item, data)
        tmp.replace(path)
    return path


def _zip_bomb(folder: Path) -> Path:
    """A valid template plus one member that inflates to 300 MB (≈ 0.3 MB on disk)."""
    path = fill(folder, "满意度_压缩炸弹.xlsx", [SAT])
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, zf.open("xl/bomb.xml", "w") as f:
        for _ in range(300):
            f.write(chunk)
    return path


# Peak memory is VmHWM of the child's own address space: getrusage's ru_maxrss would carry the forking
# pytest worker's size across exec (Linux keeps the pre-exec high-water mark in the process's rusage).
_MEASURE = """
import json, re, sys, time
from pathlib import Path
from connectors.intake import intake_folder
t = time.perf_counter()
results = intake_folder(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
hwm_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_mb": hwm_kb / 1024,
                  "status": [r.status for r in results], "messages": [m for r in results for m in r.messages]},
                 ensure_ascii=False))
"""


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda d: _dimension_bomb(d, True),
         "文件 满意度_维度炸弹.xlsx：工作表的行数 1,048,576 超过上限 50,000（声明的区域为 A1:XFD1048576）"
         "（JIXIAO_UPLOAD_MAX_ROWS）；请删除表格下方多余的内容（含格式）后重新提交"),
        (lambda d: _dimension_bomb(d, False),
         "文件 满意度_无维度炸弹.xlsx：工作表「科室满意度」的行数 50,001 超过上限 50,000（JIXIAO_UPLOAD_MAX_ROWS）；"
         "请删除表格下方多余的内容（含格式）后重新提交"),
        (_zip_bomb,
         "文件 满意度_压缩炸弹.xlsx：Excel 文件解压后共 300.0 MB，超过上限 100.0 MB（JIXIAO_UPLOAD_MAX_UNCOMPRESSED_BYTES）；"
         "文件可能损坏或被构造（压缩炸弹），未读取其内容"),
    ],
    ids=["dimension-bomb", "dimension-bomb-without-dimension", "zip-bomb"],
)
def test_bombs_are_rejected_fast_and_small(tmp_path, build, message):
    inbox, root, wh = tmp_path / "inbox", tmp_path / "intake", tmp_path / "warehouse.duckdb"
    inbox.mkdir()
    ensure_dataset_tables(wh)
    path = build(inbox)
    size_kb = path.stat().st_size / 1024
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(inbox), str(wh), str(root)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{path.name}: {size_kb:.1f} KB, rejected in {got['seconds']:.2f} s, peak {got['peak_mb']:.0f} MB")
    assert got["status"] == ["rejected"] and got["messages"] == [message]
    assert got["seconds"] <= 5 and got["peak_mb"] <= 300
    assert not path.exists() and len(list((root / "quarantine").glob("*.errors.csv"))) == 1


# -- 8. every CLI command, given a malformed option ---------------------------------------------------------
def _commands(group=None, path=()) -> list[tuple[str, ...]]:
    group = group or typer.main.get_command(app)
    out = []
    for name, cmd in sorted(group.commands.items()):
        if hasattr(cmd, "commands"):
            out += _commands(cmd, (*path, name))
        else:
            out.append((*path, name))
    return out


COMMANDS = _commands()


def _main(argv: list[str]) -> int:
    """``jixiao argv`` in this process through the real entry point; its exit code."""
    old = sys.argv
    sys.argv = ["jixiao", *argv]
    try:
        cli_errors.run_cli(typer.main.get_command(app))
    except SystemExit as exc:
        return exc.code or 0
    finally:
        sys.argv = old
    return 0


def _malformed() -> list[tuple[tuple[str, ...], str]]:
    """(command, malformed option) pairs: an unknown option for every command, and a wrong value for
    every option that takes a period, a number or a choice."""
    cases = []
    group = typer.main.get_command(app)
    for path in COMMANDS:
        cmd = group
        for part in path:
            cmd = cmd.commands[part]
        cases.append((path, "--没有这个选项"))
        for p in cmd.params:
            if getattr(p, "param_type_name", "") != "option" or getattr(p, "is_flag", False):
                continue
            help_text = p.help or ""
            if "YYYY-MM" in help_text and "YYYY-MM-DD" not in help_text and not p.multiple:
                cases.append((path, f"{p.opts[0]}=2025-13"))
            elif type(p.default) is int:
                cases.append((path, f"{p.opts[0]}=十"))
    return cases


MALFORMED = _malformed()


def test_every_command_is_covered():
    assert len(COMMANDS) >= 35 and ("bonus", "audit") in COMMANDS and ("intake", "load") in COMMANDS
    assert sum(1 for _, opt in MALFORMED if "2025-13" in opt) >= 15


@pytest.mark.parametrize(("path", "option"), MALFORMED, ids=[f"{' '.join(p)} {o}" for p, o in MALFORMED])
def test_malformed_option_is_one_chinese_line(path, option, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    code = _main([*path, option])
    out, err = capsys.readouterr()
    lines = (err or out).strip().splitlines()
    assert code != 0 and len(lines) == 1, (code, out, err)
    assert "Traceback" not in out + err and "Error" not in out + err
    if option == "--period=2025-13" and path[0] == "report":  # the report command checks its periods itself
        assert code == 1 and lines[0].startswith("期间「2025-13」无效：应为 YYYY-MM"), lines
    elif "2025-13" in option:
        assert code == 2 and lines[0].startswith("命令行错误："), lines
        assert "“2025-13”不是有效期间，应为 YYYY-MM（如 2025-10，月份 01–12）" in lines[0] or "缺少选项" in lines[0]
    elif "没有这个选项" in option:
        assert code == 2 and lines[0] == f"命令行错误：没有选项 --没有这个选项（用 jixiao {' '.join(path)} --help 查看用法）"


def test_the_entry_point_is_wired(tmp_path):
    """The installed console script goes through the same handler (one subprocess for all)."""
    env = {**os.environ, "JIXIAO_DATA_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "orchestration.cli", "kpi", "show", "--period", "2025-13", "--dept", "D0101"],
                          cwd=REPO, env=env, capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == (
        "命令行错误：--period 的值无效：“2025-13”不是有效期间，应为 YYYY-MM（如 2025-10，月份 01–12）"
        "（用 jixiao kpi show --help 查看用法）"
    )


def test_failures_are_one_line_and_logged(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    # an unknown table used to extract nothing and exit 0
    assert _main(["extract", "--system", "his", "--table", "bogus", "--period", "2025-01"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("出错：源系统 his 没有表 bogus；可选：GY_KSDM、")
    log = (tmp_path / "logs" / "jixiao.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "ValueError: 源系统 his 没有表 bogus" in log
    assert stat.S_IMODE((tmp_path / "logs" / "jixiao.log").stat().st_mode) == 0o600
    # a missing warehouse
    assert _main(["explain", "points", "--period", "2025-10", "--dept", "D0101"]) == 1
    assert capsys.readouterr().err.startswith(
        "数据仓库中没有 marts.dim_department：请先运行 jixiao demo 或 jixiao run 生成数据（详情见日志 "
    )


@contextmanager
def _held(wh: Path):
    """Another process holds ``wh`` open for writing (DuckDB allows one writer process)."""
    duckdb.connect(str(wh)).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(wh)!r}); "
                               "print('held', flush=True); time.sleep(120)"], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_a_locked_warehouse_is_one_line(tmp_path, monkeypatch, capsys):
    """A second writer (another jixiao run, a Dagster job) holds the warehouse: exit 3, one line."""
    wh = tmp_path / "warehouse.duckdb"
    with _held(wh):
        monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("JIXIAO_WAREHOUSE", str(wh))
        file = fill(tmp_path, "满意度_锁.xlsx", [SAT])
        assert _main(["intake", "load", str(file)]) == 3
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(
            "数据仓库正被另一个进程使用（如另一个 jixiao run、Dagster 作业或打开的客户端），请等其结束后重试（详情见日志 "
        )
        assert file.exists()  # nothing happened to the file


def test_redact_hides_passwords_in_messages():
    assert cli_errors.redact("connection to postgresql://jx:s3cret@10.0.0.1/his failed") == (
        "connection to postgresql://jx:***@10.0.0.1/his failed"
    )


# -- 10. the salt and patient identifiers after a real pipeline run -----------------------------------------
def test_salt_is_in_no_dbt_artefact_and_nothing_readable_by_others_holds_it(small_built):
    salt = small_built.env["JIXIAO_PSEUDONYM_SALT"].encode()
    target = Path(small_built.env.get("DBT_TARGET_PATH", small_built.data / "target"))
    holders = []
    for folder in {small_built.data, target, REPO / "dbt_project" / "target", REPO / "dbt_project" / "logs"}:
        for path in folder.rglob("*") if folder.exists() else ():
            if path.is_file() and not path.is_symlink() and salt in path.read_bytes():
                holders.append(path)
    in_dbt = [p for p in holders if target in p.parents or "dbt_project" in p.parts]
    assert in_dbt == [], in_dbt
    readable = [p for p in holders if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert readable == [], [(p, oct(p.stat().st_mode)) for p in readable]
    assert {p.name for p in holders} <= {".pseudonym_salt", "warehouse.duckdb", "warehouse.duckdb.wal"}


#: every staging column that identifies a patient or one of his stays, and the raw column it comes from
IDENTIFIERS = {
    ("stg_his__admissions", "inpatient_id"): ("raw_his", "zy_rydj", "zyh"),
    ("stg_his__admissions", "patient_key"): ("raw_his", "zy_rydj", "brid"),
    ("stg_his__discharge_abstracts", "inpatient_id"): ("raw_his", "ba_syjl", "zyh"),
    ("stg_his__discharge_abstracts", "medical_record_key"): ("raw_his", "ba_syjl", "bah"),
    ("stg_his__discharge_abstracts", "patient_key"): ("raw_his", "ba_syjl", "brid"),
    ("stg_his__operations", "inpatient_id"): ("raw_his", "ba_ssjl", "zyh"),
    ("stg_his__outpatient_registrations", "registration_id"): ("raw_his", "mz_ghjl", "ghxh"),
    ("stg_his__outpatient_registrations", "patient_key"): ("raw_his", "mz_ghjl", "brid"),
    ("stg_his__charge_lines", "encounter_id"): ("raw_his", "fy_sfmx", "jzh"),
    ("stg_his__charge_lines", "patient_key"): ("raw_his", "fy_sfmx", "brid"),
    ("stg_his__prescription_lines", "encounter_id"): ("raw_his", "cf_cfmx", "jzh"),
    ("stg_his__prescription_lines", "patient_key"): ("raw_his", "cf_cfmx", "brid"),
}


def test_no_clear_patient_identifier_in_staging_or_later(small_built):
    for (model, column), (schema, table, raw_column) in IDENTIFIERS.items():
        rows, hashed, clear = small_built.query(
            f"SELECT count(*), count(*) FILTER (WHERE regexp_full_match({column}, '[0-9a-f]{{32}}')), "
            f"count(*) FILTER (WHERE {column} IN (SELECT {raw_column} FROM {schema}.{table})) "
            f"FROM staging.{model} WHERE {column} IS NOT NULL"
        )[0]
        assert rows > 0 and hashed == rows and clear == 0, (model, column, rows, hashed, clear)
    # no column of any later model carries a raw identifier's name
    names = {r[0] for r in small_built.query(
        "SELECT DISTINCT column_name FROM information_schema.columns "
        "WHERE table_schema IN ('staging', 'intermediate', 'marts')")}  # fmt: skip
    assert not names & {"brid", "zyh", "ghxh", "jzh", "bah", "patient_name", "id_card_no"}
    # and the patient's name is not even extracted (connectors/sources/his.yml)
    assert small_built.query("SELECT count(*) FROM information_schema.columns WHERE column_name = 'brxm'") == [(0,)]


# -- 1. no formula from user text in any workbook the project writes -----------------------------------------
#: the only formulas the project writes itself (connectors.produced_files.set_formula): totals of a
#: column, the 差额 of the 二次分配 template and 分配合计 + 科室留存 of its print
AUTHORED = re.compile(r"^=(SUM\([A-Z]{1,3}\d+:[A-Z]{1,3}\d+\)|ROUND\(C3-I3-C4,2\)|I\d+\+H3)$")


def _all_formulas(path: Path) -> list[tuple[str, str, str]]:
    wb = load_workbook(path)
    return [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]  # fmt: skip


def test_every_generated_workbook_holds_only_the_projects_own_formulas(small_built, tmp_path):
    """Every workbook the demo leaves and every one the commands write from its data, with a
    hostile 说明/理由 in the warehouse: each formula cell is one the project authored."""
    data = small_built.copy_to(tmp_path / "data").data
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    try:  # a department's hostile text, as if it had come through an approved 二次分配
        con.execute(
            "INSERT INTO marts.fct_staff_bonus SELECT period, perf_dept_code, perf_dept_code, 'allocation', '1', "
            "staff_id, staff_name, suggested_amount, suggested_amount, 'v-hostile', ? "
            "FROM marts.fct_allocation_suggestions WHERE period = '2025-11' LIMIT 3",
            [HOSTILE],
        )
        hostile_rows = con.execute("SELECT count(*) FROM marts.fct_staff_bonus WHERE reason = ?", [HOSTILE]).fetchone()[0]
    finally:
        con.close()
    assert hostile_rows > 0
    out = tmp_path / "out"
    commands = [
        ["report", "performance", "--period", "2025-11", "--out", str(out / "绩效报表.xlsx")],
        ["report", "business", "--period", "2025-11", "--out", str(out / "经营分析报表.xlsx")],
        ["allocation", "template", "--period", "2025-11", "--out", str(out / "templates")],
        ["national", "report", "--year", "2025", "--out", str(out / "国考.xlsx")],
        ["mapping", "suggest", "--output", str(out / "对照审核.xlsx")],
        *(["intake", "template", d, str(out / f"{d}.xlsx")] for d in ("dept_satisfaction", "dept_penalty",
                                                                         "filed_indicator", "kpi_target")),
    ]  # fmt: skip
    for args in commands:
        proc = subprocess.run([sys.executable, "-m", "orchestration.cli", *args], cwd=REPO,
                              env={**small_built.env, "JIXIAO_DATA_DIR": str(data)}, capture_output=True, text=True)  # fmt: skip
        assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-2000:])
    books = sorted(out.rglob("*.xlsx")) + sorted(data.rglob("*.xlsx"))
    assert len(books) >= 9 + 33, [b.name for b in books]
    bad = [(b.name, f) for b in books for f in _all_formulas(b) if not AUTHORED.match(f[2])]
    assert bad == []
    report = load_workbook(out / "绩效报表.xlsx")
    shown = [c for ws in report.worksheets for row in ws.iter_rows() for c in row if c.value == HOSTILE]
    assert shown and all(c.data_type == "s" for c in shown)


def test_a_month_whose_bonus_is_issued_takes_no_more_filings(intake):
    """核减 for a closed month would change a bonus already paid: refused, with the way to reopen."""
    con = duckdb.connect(str(intake.wh))
    try:
        con.execute("CREATE SCHEMA bonus_ops")
        con.execute("CREATE TABLE bonus_ops.period_status (period varchar, status varchar, changed_at timestamp, "
                    "changed_by varchar)")  # fmt: skip
        con.execute("INSERT INTO bonus_ops.period_status VALUES ('2025-09', 'issued', '2025-10-20 10:00', '李四'), "
                    "('2025-10', 'issued', '2025-11-20 10:00', '李四'), ('2025-10', 'draft', '2025-11-25 09:00', '李四')")  # fmt: skip
    finally:
        con.close()
    path = fill(intake.inbox, "核减_关账.xlsx", [["2025-09", "D0102", "院感检查", "10", "手卫生", ""]], PEN)
    assert intake.rejected(path) == [
        "文件 核减_关账.xlsx，工作表「科室核减」，第 2 行，A 列「统计期间」：期间 2025-09 的奖金已发放（已关账），"
        "不能再填报科室核减；如需更正，请绩效办先重新开放该期间（jixiao reopen）"
    ]
    fill(intake.inbox, "核减_重开.xlsx", [["2025-10", "D0102", "院感检查", "10", "手卫生", ""]], PEN)  # reopened
    assert [r.status for r in intake.take()] == ["accepted"]


def test_an_older_raw_table_loses_the_patient_name_at_the_next_extraction(small_demo_dir, tmp_path):
    """raw_his.zy_rydj landed BRXM under the old contract: the next extraction drops the column from
    every partition, not only from the month it extracts."""
    from connectors.extract import extract_system
    from connectors.source_config import load_sources, period_range
    from connectors.warehouse import DuckDBWarehouse

    wh = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(wh))
    con.execute("CREATE SCHEMA raw_his")
    con.execute("CREATE TABLE raw_his.zy_rydj (zyh VARCHAR, brid VARCHAR, brxm VARCHAR, _partition VARCHAR, "
                "_batch_id VARCHAR, _extracted_at TIMESTAMP, _source VARCHAR)")  # fmt: skip
    con.execute("INSERT INTO raw_his.zy_rydj VALUES ('Z1', 'P1', '张三', '2020-01', 'old', now(), 'his.ZY_RYDJ')")
    con.close()
    with DuckDBWarehouse(wh) as w:
        extract_system(load_sources()["his"], period_range("2025-12", "2025-12"), w, data_dir=small_demo_dir,
                       tables=["ZY_RYDJ"])  # fmt: skip
    columns = {r[0] for r in query_duckdb(wh, "SELECT column_name FROM information_schema.columns "
                                               "WHERE table_schema = 'raw_his' AND table_name = 'zy_rydj'")}  # fmt: skip
    assert "brxm" not in columns and {"zyh", "brid", "csrq"} <= columns
    assert query_duckdb(wh, "SELECT zyh FROM raw_his.zy_rydj WHERE _partition = '2020-01'") == [("Z1",)]


def test_a_second_writer_during_jixiao_run_is_one_line_per_failed_step(tmp_path):
    """`jixiao run` while another process holds the warehouse: the failed step's cause is one Chinese
    line; Dagster's events stay one line each on the terminal (the stack is in the run's event log)."""
    from conftest import pipeline_env

    data = tmp_path / "data"
    data.mkdir()
    with _held(data / "warehouse.duckdb"):
        proc = subprocess.run([sys.executable, "-m", "orchestration.cli", "run", "--period", "2025-11", "--select",
                               "key:raw_manual/*"], cwd=REPO, env=pipeline_env(data), capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        "步骤 manual_filings 失败：数据仓库正被另一个进程使用（如另一个 jixiao run、Dagster 作业或打开的客户端），请等其结束后重试"
        in proc.stdout
    )
    assert "Traceback" not in proc.stdout + proc.stderr and "Stack Trace" not in proc.stderr
    assert all(" - dagster - " in line for line in proc.stderr.strip().splitlines()), proc.stderr
    (run_log,) = (data / "logs" / "runs").glob("*.log")  # the run's own log keeps the whole event
    text = run_log.read_text(encoding="utf-8")
    assert "STEP_FAILURE" in text and "Could not set lock" in text and "Stack Trace" in text


def test_a_second_jixiao_run_is_refused_while_one_runs(tmp_path):
    """Two runs on one data folder never interleave: while a run holds the run lock, another
    `jixiao run` is refused at once (exit 3) and says who holds it; the warehouse is not opened."""
    from orchestration.run_lock import pipeline_lock

    from conftest import pipeline_env

    data = tmp_path / "data"
    with pipeline_lock(data, "jixiao nightly_refresh 2025-11…2025-11"):
        proc = subprocess.run([sys.executable, "-m", "orchestration.cli", "run", "--period", "2025-11"], cwd=REPO,
                              env=pipeline_env(data), capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert re.fullmatch(
        r"另一个流水线运行正在进行（jixiao nightly_refresh 2025-11…2025-11，进程 \d+，开始于 [\d: -]+），请等其结束后重试",
        proc.stderr.strip(),
    ), proc.stderr
    assert not (data / "warehouse.duckdb").exists()
    with pipeline_lock(data, "next"):  # released with its holder
        pass
