"""``jixiao report …``: the formatted Excel reports — 经营分析报表 (business) and 绩效报表 (performance).

Registered on the main app by ``register(app)`` (called from orchestration/cli.py). The logic lives
in :mod:`orchestration.reports` (business.py, performance.py; their docstrings name the marts every
sheet reads). Both read the warehouse read-only. Exit code 1 with a Chinese message when there is
nothing to report (bad period, unknown department, no data, no warehouse).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from orchestration import settings

report_app = typer.Typer(
    help="格式化 Excel 报表：经营分析报表、绩效报表（A4 横向打印排版）", no_args_is_help=True
)
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)

PeriodOpt = Annotated[str, typer.Option("--period", help="期间 YYYY-MM（起始月）")]
ToOpt = Annotated[str | None, typer.Option("--to", help="结束期间 YYYY-MM（含；默认只取 --period 一个月）")]


def register(app: typer.Typer) -> None:
    """Attach the report commands to the main ``jixiao`` app."""
    app.add_typer(report_app, name="report")


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]{escape(str(exc))}[/red]")
    return typer.Exit(1)


def _months_text(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} 至 {months[-1]}（{len(months)} 个月）"


@report_app.command("business")
def business(
    period: PeriodOpt,
    to: ToOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出 .xlsx 路径（默认 经营分析报表_<期间>.xlsx）")
    ] = None,
) -> None:
    """经营分析报表：医疗收入（门急诊/住院、收费类别）、科室成本、工作量（门急诊人次、出院人次、手术台次、床日、点数），按科室 × 月份；页签 汇总、科室明细、说明。"""
    from orchestration.reports.business import write_business_report
    from orchestration.reports.common import ReportError, money_text

    try:
        r = write_business_report(settings.warehouse_path(), period, to, out)
    except ReportError as exc:
        raise _fail(exc) from exc
    rep = r.report
    t = rep.total
    console.print(f"[green]已生成经营分析报表[/green]：{escape(str(r.path))}")
    console.print(f"期间：{_months_text(rep.months)}；科室明细 {len(rep.detail)} 行")
    console.print(
        f"  全院医疗收入 {money_text(t.get('revenue'))}（门急诊 {money_text(t.get('rev_op'))}，"
        f"住院 {money_text(t.get('rev_ip'))}），科室全成本 {money_text(t.get('cost_total'))}，"
        f"收支结余 {money_text(t.get('balance'))}"
    )

    def n(key: str) -> str:
        v = t.get(key)
        return "-" if v is None else f"{v:,.0f}"

    points = t.get("points")
    console.print(
        f"  门急诊 {n('op_visits')} 人次，出院 {n('discharges')} 人次，手术 {n('surgeries')} 台次，"
        f"占用床日 {n('occupied_bed_days')}，工作量点数 {'-' if points is None else f'{points:,.2f}'}"
    )
    if rep.empty_months:
        console.print(f"[yellow]无数据的月份（未列入报表）：{'、'.join(rep.empty_months)}[/yellow]")
    for m in rep.missing:
        console.print(f"[yellow]{escape(m)}[/yellow]")


@report_app.command("performance")
def performance(
    period: PeriodOpt,
    to: ToOpt = None,
    dept: Annotated[
        str | None, typer.Option("--dept", help="只看一个科室（绩效科室编码或名称），每个页签都只含该科室")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出 .xlsx 路径（默认 绩效报表_<期间>[_<科室>].xlsx）")
    ] = None,
) -> None:
    """绩效报表：科室奖金（点数、点单价、KPI 系数、人均）、个人奖金（二次分配建议与实发）、KPI 考核与指标明细、个人工作量点数，按人员 × 科室 × 月份。"""
    from orchestration.reports.common import ReportError, money_text
    from orchestration.reports.performance import (
        DEPT_SHEET,
        KPI_DETAIL_SHEET,
        KPI_SHEET,
        STAFF_SHEET,
        SUMMARY_SHEET,
        WORKLOAD_SHEET,
        write_performance_report,
    )

    try:
        r = write_performance_report(settings.warehouse_path(), period, to, dept, out)
    except ReportError as exc:
        raise _fail(exc) from exc
    rep = r.report
    t = rep.summary_total
    console.print(f"[green]已生成绩效报表[/green]：{escape(str(r.path))}")
    console.print(f"期间：{_months_text(rep.months)}；科室：{escape(rep.scope)}")
    people = {(x["staff_id"]) for x in rep.staff if x["staff_id"]}
    console.print(
        f"  科室奖金 {len(rep.depts)} 行，合计 {money_text(t.get('dept_bonus'))}；"
        f"个人奖金 {len(people)} 人，建议 {money_text(t.get('suggested'))}，实发 {money_text(t.get('paid'))}"
    )
    console.print(
        f"  KPI 考核 {len(rep.kpi)} 行（指标明细 {len(rep.kpi_detail)} 行）；个人工作量 {len(rep.workload)} 行"
    )
    for sheet in (SUMMARY_SHEET, DEPT_SHEET, STAFF_SHEET, KPI_SHEET, KPI_DETAIL_SHEET, WORKLOAD_SHEET):
        if sheet in rep.notes:
            console.print(f"[yellow]「{sheet}」：{escape(rep.notes[sheet])}[/yellow]")
