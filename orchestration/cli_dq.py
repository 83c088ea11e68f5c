"""``jixiao dq …`` and ``jixiao recollect``: data-quality checks (数据质量) and re-collection (重新采集).

Registered on the main app by ``register(app)`` (called from orchestration/cli.py)."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from orchestration import settings
from orchestration.cli_errors import PERIOD

console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
dq_app = typer.Typer(help="数据质量检查（一致性、完整性、合理性）", no_args_is_help=True)

_CAT = {"conformance": "一致性", "completeness": "完整性", "plausibility": "合理性"}


def register(app: typer.Typer) -> None:
    """Attach the data-quality commands to the main ``jixiao`` app."""
    app.add_typer(dq_app, name="dq")
    app.command("recollect")(recollect)


@dq_app.command("checks")
def checks() -> None:
    """列出全部数据质量检查及每类数量。"""
    from expectations.registry import all_checks

    t = Table("检查编号", "中文名", "类别", "级别", "层", "系统.表", "阈值", "引擎")
    items = all_checks()
    for c in items:
        t.add_row(c.check_id, c.name_zh, _CAT[c.category], c.severity, c.layer, c.target, c.threshold, c.kind)
    console.print(t)
    counts = {k: sum(c.category == k for c in items) for k in _CAT}
    console.print(
        f"合计 {len(items)} 项："
        + "，".join(f"{_CAT[k]} {n}" for k, n in counts.items())
        + f"（GX {sum(c.kind == 'gx' for c in items)}，SQL {sum(c.kind == 'sql' for c in items)}）"
    )


def _print_summary(s) -> None:
    counts = s.counts()
    t = Table("类别", "级别", "通过", "不通过")
    for cat in _CAT:
        for sev in ("error", "warn"):
            ok, bad = counts[(cat, sev, "passed")], counts[(cat, sev, "failed")]
            if ok or bad:
                t.add_row(
                    _CAT[cat], sev, str(ok), f"[red]{bad}[/red]" if bad and sev == "error" else str(bad)
                )
    console.print(t)
    for o in s.failed:
        console.print(
            f"  ✗ ({o.check.severity}) {o.check.check_id} {o.check.name_zh}：{o.observed_value}"
            f"（阈值 {o.check.threshold}）"
        )
    if s.skipped:
        console.print(f"  跳过 {len(s.skipped)} 项（表不存在）")
    state = "[red]阻断[/red]" if s.blocking else "[green]不阻断[/green]"
    console.print(
        f"期间 {s.partition} 运行 {s.run_id}：{len(s.outcomes)} 项，{state}，用时 {s.seconds:.1f} 秒"
    )


def _docs(partitions: list[str]) -> None:
    import duckdb

    from expectations.data_docs import build_data_docs

    con = duckdb.connect(str(settings.warehouse_path()), read_only=True)
    try:
        path = build_data_docs(con, partitions, settings.data_dir() / "dq" / "data_docs")
    finally:
        con.close()
    console.print(f"数据质量报告（HTML）：{path}")


@dq_app.command("run")
def run(
    period: Annotated[str, typer.Option(parser=PERIOD, help="期间 YYYY-MM")],
    to: Annotated[str | None, typer.Option(parser=PERIOD, help="结束期间 YYYY-MM，默认同 --period")] = None,
    system: Annotated[list[str] | None, typer.Option(help="只检查这些源系统（可重复）")] = None,
) -> None:
    """对一个或多个期间运行数据质量检查，结果写入 dq 模式。"""
    from connectors.source_config import period_range
    from expectations.runner import run_checks

    settings.configure_environment()
    t0 = time.perf_counter()
    periods = [p.key for p in period_range(period, to or period)]
    for p in periods:
        _print_summary(run_checks(settings.warehouse_path(), p, systems=system or None))
    console.print(f"合计用时 {time.perf_counter() - t0:.1f} 秒")
    _docs(periods)


@dq_app.command("report")
def report(period: Annotated[str, typer.Option(parser=PERIOD, help="期间 YYYY-MM")]) -> None:
    """一个期间最近一次检查的结果：不通过的检查、不符记录数、是否阻断。"""
    import duckdb

    from expectations.store import latest_results

    settings.configure_environment()
    con = duckdb.connect(str(settings.warehouse_path()), read_only=True)
    try:
        try:
            df = latest_results(con, period)
        except duckdb.CatalogException:
            df = None
        if df is None or df.empty:
            console.print(f"期间 {period} 尚未运行数据质量检查（jixiao dq run --period {period}）")
            raise typer.Exit(1)
        run_id = df.run_id.iloc[0]
        recs = dict(
            con.execute(
                'SELECT check_id, count(*) FROM dq.dq_failing_records WHERE run_id = ? AND "partition" = ? GROUP BY 1',
                [run_id, period],
            ).fetchall()
        )
    finally:
        con.close()
    failed = df[~df.passed]
    t = Table("检查编号", "中文名", "类别", "级别", "系统.表", "观测值", "阈值", "不符记录")
    for r in failed.itertuples():
        t.add_row(
            r.check_id,
            r.check_name,
            _CAT.get(r.category, r.category),
            r.severity,
            f"{r.system}.{r.table_name}",
            str(r.observed_value),
            r.threshold,
            str(recs.get(r.check_id, 0)),
        )
    console.print(
        f"期间 {period}，运行 {run_id}，检查于 {df.checked_at.max()}：{len(df)} 项，不通过 {len(failed)} 项"
    )
    if len(failed):
        console.print(t)
    blocked = bool((failed.severity == "error").any())
    console.print(
        "阻断："
        + ("[red]是[/red]（有 error 级检查不通过，该期间不计算奖金）" if blocked else "[green]否[/green]")
    )


def recollect(
    system: Annotated[str, typer.Option(help="源系统：his/finance/cost/hr/beds")],
    partition: Annotated[str, typer.Option(parser=PERIOD, help="分区 YYYY-MM")],
) -> None:
    """重新采集：重新抽取一个源系统的一个分区，并重新运行该系统的数据质量检查。"""
    from connectors.extract import extract_system
    from connectors.source_config import load_sources, period_range
    from connectors.warehouse import open_warehouse
    from expectations.runner import run_checks

    settings.configure_environment()
    sources = load_sources()
    if system not in sources:
        raise typer.BadParameter(f"未知源系统 {system}，可选：{', '.join(sources)}")
    t0 = time.perf_counter()
    with open_warehouse(settings.warehouse_path()) as wh:
        results = extract_system(
            sources[system], period_range(partition, partition), wh, data_dir=settings.data_dir()
        )
    rows = sum(r.rows_written for r in results)
    console.print(
        f"重新采集 {system} {partition}：{len(results)} 个表，{rows:,} 行，{time.perf_counter() - t0:.1f} 秒"
    )
    _print_summary(run_checks(settings.warehouse_path(), partition, systems=[system]))
