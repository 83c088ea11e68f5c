"""``jixiao national …``: the national assessment (国考) year — self-assessment workbook (自评表),
上报 (submission, refused while a 勾稽 rule fails) and status.

Registered on the main app by ``register(app)`` (called from orchestration/cli.py). The logic lives
in :mod:`orchestration.national_report` (workbook) and :mod:`orchestration.national_ops` (submit,
status); both read the marts of docs/national.md. Exit codes: 1 nothing to do (no data, no
warehouse), 2 submission refused by the 勾稽 rules.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from orchestration import settings

national_app = typer.Typer(
    help="国考指标（二级公立医院绩效考核）与经济管理监测指标：年度自评表、上报、状态", no_args_is_help=True
)
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)

YearOpt = Annotated[int, typer.Option("--year", help="考核年度 YYYY")]
HospitalOpt = Annotated[
    str | None, typer.Option("--hospital", help="医院编码（数据中有多家医院时必填）")
]

STATUS_COLUMNS = ("computed", "待填报", "缺数")


def register(app: typer.Typer) -> None:
    """Attach the national assessment commands to the main ``jixiao`` app."""
    app.add_typer(national_app, name="national")


def _fail(exc: Exception, code: int = 1) -> typer.Exit:
    console.print(f"[red]{escape(str(exc))}[/red]")
    return typer.Exit(code)


@national_app.command("report")
def report(
    year: YearOpt,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出 .xlsx 路径（默认 <年度>年度绩效考核自评表.xlsx）")
    ] = None,
    hospital: HospitalOpt = None,
) -> None:
    """生成年度绩效考核自评表（xlsx，A4 横向打印排版）：每个指标清单一页签，另附经济管理监测指标。"""
    from orchestration.national_report import LISTS, NationalReportError, write_report

    try:
        r = write_report(settings.warehouse_path(), year, out, hospital)
    except NationalReportError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]已生成 {r.year} 年度绩效考核自评表[/green]：{escape(str(r.path))}")
    console.print(f"填报单位：{escape(r.hospital_name)}（{escape(str(r.hospital_code))}）")
    for name, n in r.indicators.items():
        counts = "，".join(f"{k} {v}" for k, v in r.status_counts[name].items())
        months = r.months[name]
        period = f"，数据期间 1—{months} 月" if months is not None and months < 12 else ""
        console.print(f"  {name}：{n} 项指标（{counts}）{period}")
    console.print(f"  经济管理监测指标：{r.monitoring_items} 项")
    missing = [v for v in LISTS.values() if v not in r.indicators]
    if missing:
        console.print(f"[dim]无数据的清单未生成页签：{'、'.join(missing)}[/dim]")


@national_app.command("submit")
def submit(
    year: YearOpt,
    by: Annotated[str | None, typer.Option("--by", help="上报人姓名（记入上报记录）")] = None,
    hospital: HospitalOpt = None,
    refresh: Annotated[
        bool, typer.Option("--refresh/--no-refresh", help="先按当前填报数据重算国考指标与勾稽关系（默认）")
    ] = True,
) -> None:
    """上报：先按当前填报数据重算，勾稽关系全部通过才记录；有不通过或待填报的规则则拒绝（退出码 2）。

    上报记录写入 national_ops.submissions（上报人、时间、当年国考指标与监测指标数据的内容哈希、指标计数）。"""
    from orchestration.national_ops import NationalOpsError, SubmitRefused
    from orchestration.national_ops import submit as do_submit
    from orchestration.national_refresh import NationalRefreshError, refresh_national
    from orchestration.national_report import NationalReportError

    actor = (by or "").strip() or getpass.getuser()
    if refresh:
        console.print("按当前填报数据重算国考指标与勾稽关系……")
        try:
            refreshed = refresh_national()
        except NationalRefreshError as exc:
            raise _fail(exc) from exc
        console.print(f"重算完成，勾稽审核结果 {refreshed.gouji_rows} 条已写入数据质量结果（{refreshed.run_id}）")
    try:
        s = do_submit(settings.warehouse_path(), year, actor, hospital)
    except SubmitRefused as exc:
        raise _fail(exc, 2) from exc
    except (NationalOpsError, NationalReportError) as exc:
        raise _fail(exc) from exc
    console.print(
        f"[green]{s.year} 年已上报[/green]：上报人 {escape(s.submitted_by)}，时间 {s.submitted_at:%Y-%m-%d %H:%M:%S}，"
        f"勾稽关系 {s.gouji_rules} 条全部通过"
    )
    _print_counts(s.indicator_counts)
    rows = "，".join(f"{t} {n} 行" for t, n in s.row_counts.items())
    console.print(f"内容哈希 {s.content_hash[:16]}…（{rows}），上报编号 {s.submission_id[:12]}")


def _print_counts(counts: dict[str, dict]) -> None:
    from orchestration.national_report import LISTS

    t = Table("清单", "指标数", "指标项", "已计算", "待填报", "缺数")
    for code, c in counts.items():
        t.add_row(
            LISTS.get(code, code),
            str(c.get("indicators", 0)),
            str(c.get("parts", 0)),
            str(c.get("computed", 0)),
            str(c.get("待填报", 0)),
            str(c.get("缺数", 0)),
        )
    console.print(t)


@national_app.command("status")
def status(year: YearOpt, hospital: HospitalOpt = None) -> None:
    """某年度国考指标状态：各清单按状态计数、不通过的勾稽关系、最近一次上报。"""
    from orchestration.national_ops import national_status
    from orchestration.national_report import NationalReportError

    try:
        st = national_status(settings.warehouse_path(), year, hospital)
    except NationalReportError as exc:
        raise _fail(exc) from exc
    period = (
        f"，数据期间 1—{st.months_covered} 月"
        if st.months_covered is not None and st.months_covered < 12
        else ""
    )
    console.print(f"[bold]{st.year} 年国考指标：{escape(st.hospital_name or st.hospital_code)}{period}[/bold]")
    _print_counts({c.list_code: c.as_dict() for c in st.lists})
    if st.gouji is None:
        console.print("[yellow]勾稽关系审核结果表不存在：请先运行流水线（jixiao run）[/yellow]")
    else:
        ok = sum(c.outcome == "pass" for c in st.gouji)
        console.print(
            f"勾稽关系 {len(st.gouji)} 条：通过 {ok}，不通过 {len(st.failed)}，待填报 {len(st.pending)}"
        )
        for c in st.failed:
            console.print(f"  [red]✗ {escape(c.text)}[/red]")
        for c in st.pending:
            console.print(f"  [yellow]? {escape(c.text)}[/yellow]")
    if st.last is None:
        console.print("尚未上报")
    else:
        last = st.last
        console.print(
            f"最近上报：{last.submitted_at:%Y-%m-%d %H:%M:%S}，上报人 {escape(last.submitted_by)}，"
            f"内容哈希 {last.content_hash[:16]}…"
        )
        if st.changed_since_submission:
            console.print("[yellow]上报后数据已变化（与上报时的内容哈希不一致），如需以当前数据为准请重新上报[/yellow]")
        else:
            console.print("当前数据与上报时一致")
