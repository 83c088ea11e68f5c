"""``jixiao bonus …``, ``jixiao close``, ``jixiao reopen``: the bonus period workflow (奖金核算流程).

Registered on the main app by ``register(app)`` (called from orchestration/cli.py). The logic lives
in :mod:`orchestration.bonus_period` (DuckDB warehouse only); these commands print and exit 1 on a
refused operation."""

from __future__ import annotations

import getpass
import json
import sys
from decimal import Decimal
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from orchestration import settings
from orchestration.cli_errors import PERIOD

bonus_app = typer.Typer(help="科室奖金核算：核算、审核、复核调整、期间状态与审计日志", no_args_is_help=True)
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)

PeriodOpt = Annotated[str, typer.Option("--period", parser=PERIOD, help="期间 YYYY-MM")]
ByOpt = Annotated[str | None, typer.Option("--by", help="操作人姓名（记入审计日志）")]


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]{escape(str(exc))}[/red]")
    return typer.Exit(1)


def _money(x) -> str:
    return "-" if x is None else f"{Decimal(str(x)):,.2f}"


def _num(x, fmt: str = "{:,.4f}") -> str:
    return "-" if x is None else fmt.format(x)


def _when(x) -> str:
    return "-" if x is None else x.strftime("%Y-%m-%d %H:%M:%S")


def _transition_text(t) -> str:
    from orchestration.bonus_period import status_label

    text = f"期间 {t.period}：{status_label(t.old_status)} → {status_label(t.new_status)}"
    if t.audit_voided:
        text += "（原审核作废，需重新审核）"
    return text


# ---- WeCom notifications (企业微信通知) ------------------------------------------------------
def _notify(builder: str, *args) -> None:
    """Send the notice ``connectors.notifiers.<builder>(*args)`` after a successful command; a
    notification problem (even an import error) is only a warning line, never a failed command."""
    try:
        from connectors import notifiers

        result = notifiers.notify(getattr(notifiers, builder)(*args))
        if result.status == "failed":
            console.print(
                "[yellow]企业微信通知发送失败（详见 alerts/wecom_log.jsonl），命令本身已完成[/yellow]"
            )
    except Exception as exc:  # a notification never fails the command
        text = type(exc).__name__
        try:
            from connectors.notifiers.wecom import scrub

            text = scrub(f"{text}: {exc}")
        except Exception:  # the notifier itself is broken: the exception type only
            pass
        console.print(f"[yellow]企业微信通知未能发送：{escape(text)}（命令本身已完成）[/yellow]")


def _pool_total(lines):
    """The period's bonus pool (pool_amount is the period's total, repeated on every group row)."""
    amounts = [x.pool_amount for x in lines if x.pool_amount is not None]
    return max(amounts) if amounts else None


# ---- end WeCom notifications ----------------------------------------------------------------


# --------------------------------------------------------------------------------------------
@bonus_app.command("run")
def bonus_run(period: PeriodOpt, by: ByOpt = None) -> None:
    """核算奖金：经 Dagster 刷新该月数据并计算奖金各表，成功后期间状态置为「已核算」（已发放的期间需先 reopen）。"""
    from orchestration import bonus_period as bp

    settings.configure_environment()
    path = settings.warehouse_path()
    actor = (by or "").strip() or getpass.getuser()
    try:
        old = bp.check_can_run(path, period)
    except bp.BonusPeriodError as exc:
        raise _fail(exc) from exc
    outcome = bp.run_bonus_pipeline(period)
    if not outcome.success:
        console.print(
            f"[red]奖金核算失败（用时 {outcome.seconds:.1f} 秒），期间状态未改变（仍为「{bp.status_label(old)}」）[/red]"
        )
        raise typer.Exit(1)
    try:
        t = bp.mark_calculated(path, period, actor, seconds=outcome.seconds, run_id=outcome.run_id)
    except bp.BonusPeriodError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]{escape(_transition_text(t))}[/green]，核算用时 {outcome.seconds:.1f} 秒")
    try:
        lines, warnings = bp.pool_summary(path, t.period)
    except bp.BonusPeriodError as exc:
        console.print(f"[yellow]{escape(str(exc))}[/yellow]")
        _notify("notice_bonus_calculated", t.period, None, None)  # WeCom hook
        return
    tbl = Table(
        "核算分组",
        "奖金池",
        "分组预算",
        "分组点数",
        "点值",
        "科室奖金合计",
        "留存",
        title=f"{t.period} 奖金池",
    )
    for x in lines:
        tbl.add_row(
            escape(str(x.accounting_group)),
            _money(x.pool_amount),
            _money(x.group_budget),
            _num(x.group_points),
            _num(x.point_price, "{:,.6f}"),
            _money(x.dept_bonus_total),
            _money(x.reserve_amount),
        )
    console.print(tbl)
    console.print(f"预警 {warnings} 条" + ("（见 marts.fct_bonus_warnings）" if warnings else ""))
    _notify("notice_bonus_calculated", t.period, _pool_total(lines), warnings)  # WeCom hook


@bonus_app.command("audit")
def bonus_audit(
    period: PeriodOpt,
    by: ByOpt = None,
    note: Annotated[str | None, typer.Option(help="审核意见（可选）")] = None,
) -> None:
    """审核：「已核算」→「已审核」。"""
    from orchestration import bonus_period as bp

    settings.configure_environment()
    try:
        t = bp.audit_period(settings.warehouse_path(), period, by, note)
    except bp.BonusPeriodError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]{escape(_transition_text(t))}[/green]")


@bonus_app.command("adjust")
def bonus_adjust(
    period: PeriodOpt,
    dept: Annotated[str | None, typer.Option(help="绩效科室编码")] = None,
    group: Annotated[str | None, typer.Option(help="核算分组")] = None,
    component: Annotated[str | None, typer.Option(help="奖金组成编码（component_code）")] = None,
    value: Annotated[str | None, typer.Option(help="调整后金额（元，最多两位小数）")] = None,
    reason: Annotated[str | None, typer.Option(help="调整原因（必填）")] = None,
    by: ByOpt = None,
) -> None:
    """复核调整：替换某科室某核算分组某奖金组成的金额（仅「已核算」「已审核」期间；已审核的回到「已核算」）。"""
    from orchestration import bonus_period as bp

    settings.configure_environment()
    try:
        if value is None or not value.strip():
            raise bp.BonusPeriodError("必须填写调整后金额（--value）")
        r = bp.adjust_component(settings.warehouse_path(), period, dept, group, component, value, reason, by)
    except bp.BonusPeriodError as exc:
        raise _fail(exc) from exc
    console.print(
        f"[green]已记录复核调整[/green] {r.adjustment_id[:8]}：期间 {r.period} 科室 {escape(r.perf_dept_code)} "
        f"分组 {escape(r.accounting_group)} 组成 {escape(r.component_code)}："
        f"{_money(r.old_value)} → {_money(r.new_value)}"
    )
    if r.superseded:
        console.print(
            f"此前的有效调整 {len(r.superseded)} 条已失效：{'、'.join(s[:8] for s in r.superseded)}"
        )
    if r.transition.old_status != r.transition.new_status:
        console.print(escape(_transition_text(r.transition)))
    console.print(
        f"[yellow]需重新运行 jixiao bonus run --period {r.period}，调整才会计入奖金结果（dbt 模型应用有效调整）[/yellow]"
    )


@bonus_app.command("adjustments")
def bonus_adjustments(period: PeriodOpt) -> None:
    """列出某期间的复核调整（含已失效的）。"""
    from orchestration import bonus_period as bp

    settings.configure_environment()
    try:
        rows = bp.list_adjustments(settings.warehouse_path(), period)
    except bp.BonusPeriodError as exc:
        raise _fail(exc) from exc
    if not rows:
        console.print(f"期间 {period} 没有复核调整")
        return
    t = Table(
        "编号",
        "时间",
        "科室",
        "分组",
        "组成",
        "原值",
        "新值",
        "原因",
        "调整人",
        "状态",
        title=f"{period} 复核调整",
    )
    for a in rows:
        t.add_row(
            a.adjustment_id[:8],
            _when(a.adjusted_at),
            escape(a.perf_dept_code),
            escape(a.accounting_group),
            escape(a.component_code),
            _money(a.old_value),
            _money(a.new_value),
            escape(a.reason or "-"),
            escape(a.adjusted_by or "-"),
            "有效" if a.is_active else "已失效",
        )
    console.print(t)


@bonus_app.command("status")
def bonus_status(
    period: Annotated[str | None, typer.Option("--period", parser=PERIOD, help="只看该期间 YYYY-MM")] = None,
) -> None:
    """各期间状态、最后变更时间与操作人；已发放的期间显示归档哈希。"""
    from orchestration import bonus_period as bp

    settings.configure_environment()
    path = settings.warehouse_path()
    try:
        rows = bp.list_statuses(path, period)
    except bp.BonusPeriodError as exc:
        raise _fail(exc) from exc
    if not rows:
        console.print("还没有核算过奖金的期间")
        return
    t = Table("期间", "状态", "最后变更", "操作人", "归档编号", "归档哈希", title="奖金期间状态")
    for r in rows:
        t.add_row(
            r.period,
            bp.status_label(r.status),
            _when(r.changed_at),
            escape(r.changed_by or "-"),
            (r.archive_id or "-")[:8],
            r.content_hash or "-",
        )
    console.print(t)
    if period and rows[0].status == "issued" and rows[0].content_hash:
        try:
            current, _ = bp.published_hash(path, period)
        except bp.BonusPeriodError as exc:
            console.print(f"[yellow]无法校验当前发布结果：{escape(str(exc))}[/yellow]")
            return
        if current == rows[0].content_hash:
            console.print("[green]当前发布的奖金结果与归档哈希一致[/green]")
        else:
            console.print(f"[red]当前发布的奖金结果与归档哈希不一致：{current}[/red]")


@bonus_app.command("log")
def bonus_log(period: PeriodOpt) -> None:
    """某期间的审计日志（状态变更、复核调整、关账、重新开放及二次分配事件）。"""
    from orchestration import bonus_period as bp

    settings.configure_environment()
    try:
        rows = bp.audit_log(settings.warehouse_path(), period)
    except bp.BonusPeriodError as exc:
        raise _fail(exc) from exc
    if not rows:
        console.print(f"期间 {period} 没有审计日志")
        return
    t = Table("时间", "操作", "科室", "操作人", "原因", "详情", title=f"{period} 审计日志")
    for e in rows:
        action = bp.ACTION_NAMES.get(e.action, e.action)
        try:
            detail = json.loads(e.detail) if e.detail else {}
        except ValueError:
            detail = {}
        if isinstance(detail, dict) and detail.get("audit_voided"):
            action += "（原审核作废）"
        t.add_row(
            _when(e.logged_at),
            escape(action),
            escape(e.perf_dept_code or "-"),
            escape(e.actor or "-"),
            escape(e.reason or "-"),
            escape(e.detail or "-"),
        )
    console.print(t)


# --------------------------------------------------------------------------------------------
def close(period: PeriodOpt, by: ByOpt = None) -> None:
    """关账归档：仅「已审核」期间。奖金各表该月的行复制到 bonus_archive 并记录内容哈希，状态置为「已发放」。"""
    from orchestration import bonus_period as bp

    settings.configure_environment()
    try:
        r = bp.close_period(settings.warehouse_path(), period, by)
    except bp.BonusPeriodError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]期间 {r.period} 已关账归档，状态：已发放[/green]")
    t = Table("表", "行数", "内容哈希", title=f"归档 {r.archive_id}")
    for mart, h in r.table_hashes.items():
        t.add_row(mart, f"{r.row_counts[mart]:,}", h)
    console.print(t)
    console.print(f"总哈希 {r.content_hash}")
    _notify("notice_bonus_issued", r.period, r.content_hash)  # WeCom hook


def reopen(
    period: PeriodOpt,
    reason: Annotated[str | None, typer.Option(help="重新开放原因（必填）")] = None,
    by: ByOpt = None,
) -> None:
    """重新开放：仅「已发放」期间，必须填写原因；归档置为失效（归档行保留），状态回到「草稿」。"""
    from orchestration import bonus_period as bp

    settings.configure_environment()
    try:
        t = bp.reopen_period(settings.warehouse_path(), period, reason, by)
    except bp.BonusPeriodError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]{escape(_transition_text(t))}[/green]（原归档已失效，归档行保留）")
    _notify("notice_bonus_reopened", t.period, (reason or "").strip(), (by or "").strip())  # WeCom hook


def register(app: typer.Typer) -> None:
    """Attach the bonus commands to the main ``jixiao`` app."""
    app.add_typer(bonus_app, name="bonus")
    app.command("close")(close)
    app.command("reopen")(reopen)
