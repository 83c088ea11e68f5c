"""``jixiao allocation …``: staff secondary allocation (二次分配) templates, submissions, approval.

Registered on the main app by ``register(app)`` (called from orchestration/cli.py). The commands
work on the DuckDB warehouse only (``settings.warehouse_path()``); files go under
``<data_dir>/allocation/`` (templates/, accepted/, rejected/, print/).
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from orchestration import settings
from orchestration.cli_errors import PERIOD

allocation_app = typer.Typer(help="二次分配：生成模板、提交、审批、补录、打印、进度", no_args_is_help=True)
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)

Period = Annotated[str, typer.Option("--period", parser=PERIOD, help="期间 YYYY-MM，如 2025-10")]
Dept = Annotated[str, typer.Option("--dept", help="绩效科室编码")]
By = Annotated[str, typer.Option("--by", help="操作人姓名")]


def allocation_root() -> Path:
    return settings.data_dir() / "allocation"


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers)
        return "unknown"


def _fail(message: str) -> NoReturn:
    console.print(f"[red]{escape(message)}[/red]")
    raise typer.Exit(1)


def _yuan(value) -> str:
    return "" if value is None else f"{value:,.2f}"


@allocation_app.command("template")
def template(
    period: Period,
    dept: Annotated[
        str | None, typer.Option("--dept", help="只生成该科室；不填则生成本期所有有奖金的科室")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出目录，默认 <数据目录>/allocation/templates/<期间>/")
    ] = None,
) -> None:
    """生成二次分配表（每个科室一个 .xlsx，已按建议金额预填）。"""
    from connectors.allocation import AllocationError, generate_templates
    from connectors.allocation.store import status_label

    out_dir = out or allocation_root() / "templates" / period
    try:
        paths, status = generate_templates(settings.warehouse_path(), period, out_dir, dept)
    except AllocationError as exc:
        _fail(str(exc))
    if status not in ("calculated", "audited"):
        console.print(
            f"[yellow]注意：期间 {period} 当前状态为“{status_label(status)}”，"
            "只有已核算或已审核的期间才能提交二次分配，本次生成的表仅供预览。[/yellow]"
        )
    for p in paths:
        console.print(f"已生成：{p}")
    console.print(f"共 {len(paths)} 个科室，目录 {out_dir}")


@allocation_app.command("submit")
def submit(
    file: Annotated[Path, typer.Argument(help="填好的二次分配表 .xlsx")],
    by: Annotated[str | None, typer.Option("--by", help="提交人姓名，默认当前登录用户")] = None,
) -> None:
    """校验并受理二次分配表；有任何错误则不受理，生成错误报告，原文件副本保存在 rejected/。"""
    from connectors.allocation import AllocationError, submit_allocation

    try:
        r = submit_allocation(file, settings.warehouse_path(), allocation_root(), submitted_by=by or _user())
    except AllocationError as exc:
        _fail(str(exc))
    if r.status == "accepted":
        console.print(
            f"[green]已受理[/green] {file.name}：{r.period} {r.perf_dept_code} {r.perf_dept_name}，"
            f"{len(r.lines)} 人，分配合计 {_yuan(r.total)} 元，科室留存 {_yuan(r.declared_reserve)} 元，"
            f"版本 {r.version_id}"
        )
        if r.superseded:
            console.print(f"此前待审批的版本已被替代：{'、'.join(r.superseded)}")
        console.print(f"文件副本：{r.stored_path}")
        return
    console.print(f"[red]未受理[/red] {escape(file.name)}：{r.error_count} 个错误，报告 {escape(str(r.report_path))}")
    for m in r.messages[:50]:
        console.print(f"  {escape(m)}")
    if r.error_count > 50:
        console.print(f"  ……其余 {r.error_count - 50} 个见报告")
    raise typer.Exit(1)


@allocation_app.command("approve")
def approve(period: Period, dept: Dept, by: By) -> None:
    """审批：该科室最新受理的版本成为已审批版本。"""
    from connectors.allocation import AllocationError, approve_allocation

    try:
        a = approve_allocation(settings.warehouse_path(), period, dept, approved_by=by)
    except AllocationError as exc:
        _fail(str(exc))
    console.print(f"[green]已审批[/green] {period} {escape(dept)}：版本 {a.version_id}，审批人 {escape(by)}")
    if a.superseded:
        console.print(f"原已审批版本已被替代：{'、'.join(a.superseded)}")


@allocation_app.command("supplement")
def supplement(
    period: Period,
    dept: Dept,
    staff: Annotated[str, typer.Option("--staff", help="工号")],
    amount: Annotated[str, typer.Option("--amount", help="补录金额（元，最多 2 位小数；负数为补扣）")],
    reason: Annotated[str, typer.Option("--reason", help="补录理由（必填）")],
    by: By,
) -> None:
    """补录：核算后（含已发放）补发或补扣某人的二次分配金额，须填写理由。"""
    from connectors.allocation import AllocationError, add_supplement

    try:
        sid = add_supplement(
            settings.warehouse_path(), period, dept, staff, amount, reason=reason, recorded_by=by
        )
    except AllocationError as exc:
        _fail(str(exc))
    console.print(f"[green]已补录[/green] {period} {escape(dept)} 工号 {escape(staff)}：{escape(str(amount))} 元（编号 {escape(sid)}）")


@allocation_app.command("print")
def print_(
    period: Period,
    dept: Dept,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出目录，默认 <数据目录>/allocation/print/<期间>/")
    ] = None,
) -> None:
    """生成已审批版本的打印表（A4 横向，含合计与签字栏）。"""
    from connectors.allocation import AllocationError, print_allocation

    try:
        path = print_allocation(
            settings.warehouse_path(), period, dept, out or allocation_root() / "print" / period
        )
    except AllocationError as exc:
        _fail(str(exc))
    console.print(f"已生成打印表：{path}")


@allocation_app.command("status")
def status(period: Period) -> None:
    """各科室二次分配进度：奖金总额、最新版本、状态。"""
    from connectors.allocation import AllocationError, allocation_status
    from connectors.allocation.store import status_label

    try:
        period_status, rows = allocation_status(settings.warehouse_path(), period)
    except AllocationError as exc:
        _fail(str(exc))
    t = Table(title=f"二次分配进度 {period}（期间状态：{status_label(period_status)}）")
    for h in (
        "科室编码",
        "科室",
        "科室奖金总额",
        "分配合计",
        "科室留存",
        "补录",
        "最新版本",
        "状态",
        "提交",
        "审批",
    ):
        t.add_column(h, justify="right" if h in ("科室奖金总额", "分配合计", "科室留存", "补录") else "left")
    for d in rows:
        t.add_row(
            d.perf_dept_code,
            d.perf_dept_name,
            _yuan(d.dept_pool),
            _yuan(d.total),
            _yuan(d.declared_reserve),
            _yuan(d.supplements) if d.supplements else "",
            d.version_id or "",
            d.status_label,
            f"{d.submitted_by} {d.submitted_at:%m-%d %H:%M}" if d.submitted_at else "",
            f"{d.approved_by} {d.approved_at:%m-%d %H:%M}" if d.approved_at else "",
        )
    console.print(t)
    done = sum(1 for d in rows if d.version_status == "approved")
    console.print(f"共 {len(rows)} 个科室，已审批 {done} 个")


def register(app: typer.Typer) -> None:
    """Attach the allocation commands to the main ``jixiao`` app."""
    app.add_typer(allocation_app, name="allocation")
