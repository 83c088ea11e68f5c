"""``jixiao``: the operator's command (运维命令).

Run ``jixiao --help``. Messages for operators are Chinese; option names are English.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from orchestration import settings
from orchestration.cli_errors import PERIOD
from orchestration.cli_help import use_chinese_labels

use_chinese_labels()
app = typer.Typer(
    help="绩效（Jixiao）医院绩效数据平台命令行",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals could hold connection strings
)
intake_app = typer.Typer(help="手工填报（Excel/CSV）模板与入库", no_args_is_help=True)
app.add_typer(intake_app, name="intake")
catalogue_app = typer.Typer(help="标准项目库（国家技术规范、编码对照、省价格目录）导入", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue")
mapping_app = typer.Typer(help="收费项目对照审核：导出建议、导入确认", no_args_is_help=True)
app.add_typer(mapping_app, name="mapping")
explain_app = typer.Typer(help="溯源：数字是怎么算出来的", no_args_is_help=True)
app.add_typer(explain_app, name="explain")
kpi_app = typer.Typer(help="综合目标考核：一键计算、得分卡", no_args_is_help=True)
app.add_typer(kpi_app, name="kpi")
# soft_wrap: long Chinese messages stay on one line (operators grep logs); a fixed width off a TTY.
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _last_full_month() -> str:
    from connectors.source_config import Period

    return Period.parse(date.today().strftime("%Y-%m")).previous().key


def _months_back(last: str, months: int) -> str:
    from connectors.source_config import Period

    p = Period.parse(last)
    for _ in range(months - 1):
        p = p.previous()
    return p.key


# --------------------------------------------------------------------------------------------
@app.command("demo-sources")
def demo_sources(
    beds: Annotated[int, typer.Option(help="开放床位数（决定住院量与人员规模）")] = 200,
    months: Annotated[int, typer.Option(help="生成月数（≥24 才能算同比）")] = 24,
    seed: Annotated[int, typer.Option(help="随机种子：相同参数生成相同数据")] = 20240101,
    scale: Annotated[float, typer.Option(help="门诊/住院量倍数")] = 1.0,
    end_month: Annotated[str | None, typer.Option(parser=PERIOD, help="最后一个月 YYYY-MM，默认上个月")] = None,
    faults: Annotated[str, typer.Option(help="注入故障，逗号分隔：missing_day,null_dept,…")] = "",
    target_url: Annotated[
        list[str] | None,
        typer.Option(help="写入任意数据库而非 SQLite：system=SQLAlchemy URL，可重复，如 his=postgresql+psycopg://…"),
    ] = None,
) -> None:
    """生成演示医院的源系统（HIS、财务、成本、人事、床位），默认写入 data/sources/*.sqlite。"""
    targets = None
    if target_url:
        targets = {}
        for item in target_url:
            system, sep, url = item.partition("=")
            if not sep or not url:
                raise typer.BadParameter(f"--target-url 应为 system=URL，收到：{item}")
            targets[system.strip()] = url.strip()
    _generate_sources(beds, months, seed, scale, end_month, faults, targets)


def _generate_sources(beds, months, seed, scale, end_month, faults, targets=None):
    from simulator.generate import generate

    settings.configure_environment()
    fault_set = frozenset(f.strip() for f in faults.split(",") if f.strip())
    with _progress() as progress:
        tasks: dict[str, int] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(f"生成 {stage}", total=total)
            progress.update(tasks[stage], completed=done, total=total)

        report = generate(
            targets or settings.data_dir(),
            beds=beds,
            months=months,
            seed=seed,
            scale=scale,
            end_month=end_month,
            faults=fault_set,
            progress=on_progress,
        )
    console.print(str(report))
    if targets is None:
        from simulator.filings import write_demo_filings

        files, national = write_demo_filings(settings.data_dir(), end_month=report.params["end_month"],
                                             months=months, seed=seed)
        console.print(f"演示手工填报：{len(files)} 个满意度文件、{len(national)} 个医院填报指标文件放入 "
                      f"{settings.intake_root() / 'inbox'}（流水线运行时入库）")
    return report


# --------------------------------------------------------------------------------------------
@app.command()
def extract(
    system: Annotated[str, typer.Option(help="源系统：his/finance/cost/hr/beds")],
    period: Annotated[str | None, typer.Option(parser=PERIOD, help="起始期间 YYYY-MM，默认上个月")] = None,
    to: Annotated[str | None, typer.Option(parser=PERIOD, help="结束期间 YYYY-MM，默认同 --period")] = None,
    table: Annotated[list[str] | None, typer.Option(help="只抽这些表（可重复）")] = None,
    chunk_rows: Annotated[int, typer.Option(help="每批读取行数（内存上限由它决定）")] = 50_000,
    warehouse: Annotated[str | None, typer.Option(help="落地库：DuckDB 文件或 postgresql:// 连接串")] = None,
    verbose: Annotated[bool, typer.Option(help="每批打印进度")] = False,
    pause_ms: Annotated[int, typer.Option(help="每批之间暂停毫秒数，减轻生产 HIS 压力（节流）")] = 0,
    reader: Annotated[str, typer.Option(help="读取器：auto/sqlalchemy/odbc/pgcopy")] = "auto",
    stats_json: Annotated[bool, typer.Option(help="最后输出一行 JSON：行数、秒、行/秒、峰值内存")] = False,
) -> None:
    """不经 Dagster 直接抽取一个源系统（运维、基准测试用）。每个分区删除+插入在一个事务内。"""
    from connectors.extract import extract_system
    from connectors.source_config import load_sources, period_range
    from connectors.warehouse import open_warehouse

    settings.configure_environment()
    sources = load_sources()
    if system not in sources:
        raise typer.BadParameter(f"未知源系统 {system}，可选：{', '.join(sources)}")
    first = period or _last_full_month()
    periods = period_range(first, to or first)

    def on_chunk(tbl: str, part: str, n: int, rows: int) -> None:
        if verbose:
            print(f"chunk {tbl} {part} {n} {rows}", flush=True)

    t0 = time.perf_counter()
    with open_warehouse(warehouse or settings.warehouse_path()) as wh:
        results = extract_system(
            sources[system], periods, wh, data_dir=settings.data_dir(), tables=table, chunk_rows=chunk_rows,
            on_chunk=on_chunk, pause_seconds=pause_ms / 1000, reader=reader,
        )
    secs = time.perf_counter() - t0
    rows = sum(r.rows_written for r in results)
    t = Table("表", "分区", "读取行数", "写入行数", "秒", "读取器")
    for r in results:
        t.add_row(r.table, r.partition, f"{r.rows_read:,}", f"{r.rows_written:,}", f"{r.seconds:.2f}", r.reader)
    console.print(t)
    console.print(f"合计 {rows:,} 行，{secs:.1f} 秒，{rows / secs if secs else 0:,.0f} 行/秒")
    if stats_json:
        import resource

        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        readers = sorted({r.reader for r in results})
        print(json.dumps({"system": system, "rows": rows, "seconds": round(secs, 2),
                          "rows_per_second": round(rows / secs) if secs else 0,
                          "peak_rss_mb": round(peak_mb, 1), "reader": ",".join(readers)}))


# --------------------------------------------------------------------------------------------
@app.command()
def run(
    period: Annotated[str | None, typer.Option(parser=PERIOD, help="起始期间 YYYY-MM，默认上个月")] = None,
    to: Annotated[str | None, typer.Option(parser=PERIOD, help="结束期间 YYYY-MM，默认同 --period")] = None,
    select: Annotated[str | None, typer.Option(help="Dagster 资产选择，如 'group:staging' 或 'key:raw_his/*'")] = None,
    job: Annotated[str, typer.Option(help="作业：nightly_refresh 或 monthly_close")] = "nightly_refresh",
) -> None:
    """经 Dagster（进程内）物化：抽取 → dbt build。运行记录保存在 DAGSTER_HOME。"""
    settings.configure_environment()
    first = period or _last_full_month()
    summary = _run(first, to or first, job, select)
    if not summary.success:
        raise typer.Exit(1)


def _run(first: str, last: str, job: str, select: str | None):
    from orchestration.pipeline import run_pipeline

    console.print(f"[bold]Dagster 作业 {job}：期间 {first} … {last}[/bold]" + (f"，选择 {select}" if select else ""))
    summary = run_pipeline(first, last, job_name=job, select=select, raise_on_error=False)
    _print_steps(summary)
    return summary


def _print_steps(summary) -> None:
    t = Table("步骤", "状态", "秒")
    for s in summary.steps:
        t.add_row(s.step, s.status, f"{s.seconds:.1f}")
    console.print(t)
    state = "[green]成功[/green]" if summary.success else "[red]失败[/red]"
    console.print(f"运行 {summary.run_id[:8]} {state}，用时 {summary.seconds:.1f} 秒")
    from orchestration.cli_errors import failure_line

    for step, message in summary.failures:  # the cause, one line each; the stack stays in the run's log
        console.print(f"[red]步骤 {escape(step)} 失败[/red]：{escape(failure_line(message))}")


# --------------------------------------------------------------------------------------------
@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """最近的运行、各层行数、各源系统数据新鲜度。"""
    import dagster as dg
    import duckdb

    from orchestration.pipeline import recent_runs
    from orchestration.warehouse_status import freshness, layer_totals, table_counts

    settings.configure_environment()
    wh = settings.warehouse_path()
    counts, fresh = [], []
    if wh.exists():
        con = duckdb.connect(str(wh), read_only=True)
        try:
            counts, fresh = table_counts(con), freshness(con)
        finally:
            con.close()
    runs = recent_runs(dg.DagsterInstance.get(), limit=5)
    if as_json:
        out = {
            "warehouse": str(wh),
            "layers": {k: {"tables": v[0], "rows": v[1]} for k, v in layer_totals(counts).items()},
            "freshness": [f.__dict__ for f in fresh],
            "runs": [
                {"run_id": r.run_id, "job": r.job, "success": r.success, "seconds": r.seconds,
                 "started": r.started.isoformat() if r.started else None}
                for r in runs
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    _print_status(wh, counts, fresh, runs)


def _print_status(wh: Path, counts, fresh, runs) -> None:
    from orchestration.warehouse_status import layer_totals

    console.print(f"数仓：{wh}")
    t = Table("层", "表数", "行数", title="各层行数")
    for layer, (n, rows) in layer_totals(counts).items():
        t.add_row(layer, str(n), f"{rows:,}")
    console.print(t)
    f = Table("源系统", "表数", "最近抽取时间", "最新数据期间", title="数据新鲜度")
    for x in fresh:
        f.add_row(x.system, str(x.tables), x.last_extracted_at or "（未抽取）", x.latest_partition or "-")
    console.print(f)
    r = Table("运行", "作业", "结果", "开始", "秒", title="最近运行")
    for x in runs:
        r.add_row(x.run_id[:8], x.job, "成功" if x.success else "失败",
                  x.started.strftime("%Y-%m-%d %H:%M:%S") if x.started else "-", f"{x.seconds:.1f}")
    console.print(r)


# --------------------------------------------------------------------------------------------
@app.command()
def demo(
    beds: Annotated[int, typer.Option(help="开放床位数")] = 200,
    months: Annotated[int, typer.Option(help="月数")] = 24,
    scale: Annotated[float, typer.Option(help="业务量倍数")] = 1.0,
    seed: Annotated[int, typer.Option(help="随机种子")] = 20240101,
    end_month: Annotated[str | None, typer.Option(parser=PERIOD, help="最后一个月 YYYY-MM，默认上个月")] = None,
) -> None:
    """一键演示：生成演示医院 → Dagster 抽取全部月份 → dbt build → 打印摘要。"""
    import duckdb

    from orchestration.warehouse_status import freshness, table_counts

    settings.configure_environment()
    last = end_month or _last_full_month()
    first = _months_back(last, months)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    _generate_sources(beds, months, seed, scale, last, "")
    timings["生成源系统"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    summary = _run(first, last, "nightly_refresh", None)
    timings["Dagster 运行（抽取 + dbt build）"] = time.perf_counter() - t1
    con = duckdb.connect(str(settings.warehouse_path()), read_only=True)
    try:
        counts, fresh = table_counts(con), freshness(con)
    finally:
        con.close()
    import dagster as dg

    from orchestration.pipeline import recent_runs

    _print_status(settings.warehouse_path(), counts, fresh, recent_runs(dg.DagsterInstance.get(), limit=1))
    t = Table("阶段", "秒", title="各阶段用时")
    for k, v in timings.items():
        t.add_row(k, f"{v:.1f}")
    for s in summary.steps:
        t.add_row(f"  └ {s.step}", f"{s.seconds:.1f}")
    t.add_row("合计", f"{time.perf_counter() - t0:.1f}")
    console.print(t)
    _print_dbt_timings()
    _print_mapping_coverage()
    _print_bonus_summary()
    _print_national_summary()
    if not summary.success:
        console.print("[red]演示流水线失败，详见上方日志[/red]")
        raise typer.Exit(1)


def _print_dbt_timings() -> None:
    from orchestration.dbt_timings import build_timings

    timings = build_timings()
    if not timings:
        return
    t = Table("dbt 部分", "节点数", "秒（各节点执行时间之和）", title="dbt build 各层用时")
    for group, (n, secs) in timings.items():
        t.add_row(group, str(n), f"{secs:.1f}")
    console.print(t)


def _print_mapping_coverage() -> None:
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path()), read_only=True)
    try:
        row = con.execute(
            "SELECT sum(mappable_amount), sum(mapped_amount), sum(amount_by_national_code), "
            "sum(amount_by_crosswalk), sum(amount_by_confirmed_mapping) FROM marts.fct_charge_item_mapping_coverage"
        ).fetchone()
        unmapped = con.execute("SELECT count(*) FROM marts.unmapped_charge_items").fetchone()[0]
    except duckdb.Error:
        return
    finally:
        con.close()
    total, mapped, national, crosswalk, confirmed = row
    if not total:
        return
    console.print(
        f"项目对照覆盖率（不含药品、耗材、床位、挂号的金额）：{mapped / total:.2%}"
        f"（国家编码 {national / total:.2%}，编码对照 {crosswalk / total:.2%}，确认对照 {confirmed / total:.2%}）；"
        f"未对照项目 {unmapped} 个，见 marts.unmapped_charge_items 或 jixiao mapping suggest"
    )


def _print_national_summary() -> None:
    """国考: per year and list, indicators by status; 勾稽 rules passed / total."""
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path()), read_only=True)
    try:
        rows = con.execute(
            "SELECT period, max(months_covered), list_code, count(DISTINCT seq_no), "
            "count(*) FILTER (WHERE status = 'computed'), count(*) FILTER (WHERE status = '待填报'), "
            "count(*) FILTER (WHERE status = '缺数') FROM marts.fct_national_indicators "
            "WHERE period_type = 'year' GROUP BY period, list_code ORDER BY period, list_code"
        ).fetchall()
        gouji = dict(
            (y, (n, ok))
            for y, n, ok in con.execute(
                "SELECT cast(year AS varchar), count(*), count(*) FILTER (WHERE passed) "
                "FROM marts.fct_monitoring_gouji_checks GROUP BY year"
            ).fetchall()
        )
    except duckdb.Error:
        return
    finally:
        con.close()
    names = {"general_l2": "二级公立医院", "tcm_l2": "二级公立中医医院"}
    for period, months, code, n, computed, pending, missing in rows:
        span = "" if months == 12 else f"（仅 {months} 个月数据）"
        n_rules, ok = gouji.get(period, (0, 0))
        console.print(
            f"国考 {period}{span} {names.get(code, code)}：{n} 项指标，指标项已计算 {computed}、待填报 {pending}、"
            f"缺数 {missing}；勾稽关系 {ok}/{n_rules} 通过（jixiao national report --year {period}）"
        )


def _print_bonus_summary() -> None:
    """The latest month's bonus: pool, Σ department bonus, reserve (they reconcile) and warnings."""
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path()), read_only=True)
    try:
        row = con.execute(
            "SELECT period, max(pool_amount), sum(dept_bonus_total), sum(reserve_amount), "
            "(SELECT count(*) FROM marts.fct_bonus_warnings w WHERE w.period = p.period) "
            "FROM marts.fct_bonus_pool p WHERE period = (SELECT max(period) FROM marts.fct_bonus_pool) GROUP BY period"
        ).fetchone()
    except duckdb.Error:
        return
    finally:
        con.close()
    if row:
        period, pool, dept, reserve, warnings = row
        console.print(
            f"科室奖金 {period}：奖金总额 {pool:,.2f} 元 = 科室奖金合计 {dept:,.2f} + 留存 {reserve:,.2f}；"
            f"预警 {warnings} 条（marts.fct_bonus_warnings，jixiao explain bonus --dept … --period {period}）"
        )


# --------------------------------------------------------------------------------------------
@app.command("dagster")
def dagster_ui(
    host: Annotated[str, typer.Option(help="监听地址（只用本机回环地址）")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口", min=1, max=65535)] = 3000,
) -> None:
    """打开 Dagster 界面（dagster dev）：与 jixiao 命令共用同一个 Dagster 实例（$DAGSTER_HOME），
    因此 make demo 的运行、物化和检查都能在界面中看到。"""
    import os

    from orchestration.pipeline import load_definitions

    settings.configure_environment()
    load_definitions()  # a fresh dbt manifest, as the CLI's own runs use
    console.print(f"Dagster 实例：{os.environ['DAGSTER_HOME']}；界面：http://{host}:{port}")
    sys.stdout.flush()
    dagster = str(Path(sys.executable).parent / "dagster")
    os.execv(dagster, [dagster, "dev", "-m", "orchestration.definitions", "-h", host, "-p", str(port)])


# --------------------------------------------------------------------------------------------
@intake_app.command("template")
def intake_template(
    dataset: Annotated[str, typer.Argument(help="数据集，如 dept_satisfaction")],
    output: Annotated[Path, typer.Argument(help="输出 .xlsx 路径")],
) -> None:
    """生成填报模板（含填写说明）。"""
    from connectors.intake import build_template

    build_template(dataset, output)
    console.print(f"已生成模板：{output}")


@intake_app.command("load")
def intake_load(
    files: Annotated[list[Path], typer.Argument(help="要入库的 .xlsx/.csv 文件")],
    replace_periods: Annotated[
        bool,
        typer.Option(
            "--replace-periods",
            help="整期替换：删除文件所含期间中文件未包含的行（如其他科室的数据）；默认只替换文件中出现的键",
        ),
    ] = False,
) -> None:
    """校验并入库；不通过的文件移入隔离区并生成错误报告，数据一行也不入库。"""
    from connectors.intake import intake_file

    settings.configure_environment()
    failed = 0
    for f in files:
        if not f.is_file():
            failed += 1
            console.print(f"[red]文件不存在[/red] {escape(str(f))}")
            continue
        r = intake_file(
            f, settings.warehouse_path(), intake_root=settings.intake_root(), replace_periods=replace_periods
        )
        if r.status == "accepted":
            scope = "整期替换" if replace_periods else "按键替换"
            console.print(
                f"[green]已入库[/green] {escape(f.name)}：{r.row_count} 行（新增 {r.added}、替换 {r.replaced}、"
                f"删除 {r.removed}，{scope}），期间 {', '.join(r.partitions)}"
            )
        else:
            failed += 1
            console.print(f"[red]已隔离[/red] {escape(f.name)}：{r.error_count} 个错误，报告 {escape(str(r.report_path))}")
            for m in r.messages[:20]:
                console.print(f"  {escape(m)}")
        for note in r.notes:
            console.print(f"  [yellow]注意[/yellow] {escape(note)}")
    if failed:
        raise typer.Exit(1)


# --------------------------------------------------------------------------------------------
@catalogue_app.command("load")
def catalogue_load(
    file: Annotated[Path, typer.Argument(help="目录文件 .tsv/.csv/.xlsx")],
    kind: Annotated[str | None, typer.Option(help="national_items / crosswalk / provincial_prices；不填则按表头识别")] = None,
    edition: Annotated[str | None, typer.Option(help="版本，如 2023 或 hubei-2023")] = None,
    note: Annotated[str, typer.Option(help="来源说明（出处、下载日期）")] = "",
) -> None:
    """校验并整表替换一个标准目录；有任何错误则一行也不导入。"""
    from connectors.catalogue import CatalogueValidationError, infer_kind, load_catalogue

    settings.configure_environment()
    if kind is None:
        kind = infer_kind(file)
        if kind is None:
            console.print(f"[red]无法从 {escape(file.name)} 的表头识别目录种类，请用 --kind 指定[/red]")
            raise typer.Exit(1)
        console.print(f"按表头识别为：{kind}")
    try:
        r = load_catalogue(file, kind, settings.warehouse_path(), edition=edition, source_note=note)
    except CatalogueValidationError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"[green]{r.message}[/green]")


@mapping_app.command("suggest")
def mapping_suggest(
    output: Annotated[Path, typer.Option(help="审核表 .xlsx 输出路径")] = Path("收费项目对照审核表.xlsx"),
) -> None:
    """导出未对照收费项目及前三个建议，供绩效办审核。"""
    from connectors.mapping_review import export_review_sheet

    settings.configure_environment()
    r = export_review_sheet(settings.warehouse_path(), output)
    console.print(f"已导出 {output}：{r.items} 个未对照项目，金额 ¥{r.amount:,.2f}")


@mapping_app.command("accept")
def mapping_accept(file: Annotated[Path, typer.Argument(help="填好的审核表 .xlsx")]) -> None:
    """校验审核表中已确认的行，追加到 dbt_project/seeds/mapping/charge_item_mapping.csv（随后提交 git）。"""
    from connectors.mapping_review import MappingReviewError, accept_review_sheet

    settings.configure_environment()
    seed = settings.DBT_PROJECT_DIR / "seeds" / "mapping" / "charge_item_mapping.csv"
    try:
        r = accept_review_sheet(file, settings.warehouse_path(), seed)
    except MappingReviewError as exc:
        console.print("[red]审核表有错误，未写入任何对照：[/red]")
        for m in exc.errors:
            console.print(f"  {escape(m)}")
        raise typer.Exit(1) from exc
    console.print(f"[green]已追加 {r.appended} 条确认对照[/green] → {seed}（请提交 git 并重跑 jixiao run）")


@explain_app.command("points")
def explain_points_cmd(
    dept: Annotated[str, typer.Option(help="绩效科室编码，如 D0102")],
    period: Annotated[str, typer.Option(parser=PERIOD, help="期间 YYYY-MM")],
    top: Annotated[int, typer.Option(help="显示前 N 个项目和医生")] = 10,
) -> None:
    """某科室某月的工作量点数：按角色、前 N 个项目（含计算过程）和前 N 位医生。"""
    from orchestration.points_explain import ExplainError, explain_points

    settings.configure_environment()
    try:
        t = explain_points(settings.warehouse_path(), dept, period, top)
    except ExplainError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"[bold]{t.perf_dept_name}（{t.perf_dept_code}）{t.period} 工作量点数 {t.total_points:,.4f}[/bold]")
    console.print("按角色：" + "，".join(f"{k} {v:,.4f}" for k, v in t.by_role.items()))
    console.print("按状态：" + "，".join(f"{k} {n:,} 行 {p:,.4f}" for k, (n, p) in t.by_status.items()))
    items = Table("标准编码", "项目名称", "角色", "行数", "点数", "计算过程", title=f"前 {top} 个项目")
    for i in t.items:
        items.add_row(i.standard_code or "-", i.item_name or "-", i.role, f"{i.lines:,}", f"{i.points:,.4f}", i.formula)
    console.print(items)
    docs = Table("工号", "姓名", "角色", "行数", "点数", title=f"前 {top} 位人员")
    for d in t.doctors:
        docs.add_row(d.staff_id, d.staff_name or "-", d.role, f"{d.lines:,}", f"{d.points:,.4f}")
    console.print(docs)


@explain_app.command("bonus")
def explain_bonus_cmd(
    period: Annotated[str, typer.Option(parser=PERIOD, help="期间 YYYY-MM")],
    dept: Annotated[str | None, typer.Option(help="绩效科室编码，如 D0109（与 --staff 二选一）")] = None,
    staff: Annotated[str | None, typer.Option(help="工号（与 --dept 二选一）")] = None,
    top: Annotated[int, typer.Option(help="显示前 N 个项目和医生")] = 10,
) -> None:
    """某科室或某人某月的奖金溯源：个人奖金行、二次分配版本与建议，科室奖金构成、点单价与组预算、KPI 系数与得分、单项奖励、预警、点数来源。"""

    from orchestration.bonus_explain import ExplainError, explain_dept_bonus, explain_staff_bonus
    from orchestration.kpi_scorecard import METHOD_NAMES

    if (dept is None) == (staff is None):
        console.print("[red]请指定 --dept 或 --staff（二选一）[/red]")
        raise typer.Exit(2)
    settings.configure_environment()
    path = settings.warehouse_path()
    try:
        if staff is not None:
            s = explain_staff_bonus(path, staff, period, top)
            depts, state = s.depts, s.state
        else:
            d = explain_dept_bonus(path, dept, period, top)
            s, depts, state = None, [d], d.state
    except ExplainError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc

    def num(x, fmt="{:,.4f}"):
        return "-" if x is None else fmt.format(x)

    def money(x):
        return num(x, "{:,.2f}")

    console.print(
        f"[{'yellow' if state and state.is_archived else 'dim'}]{escape(state.text)}[/]" if state else ""
    )
    if s is not None:
        total = f"个人奖金合计 {money(s.total)}" if s.lines else "个人奖金"
        console.print(f"[bold]{escape(s.staff_name or '-')}（{s.staff_id}）{s.period} {total}[/bold]")
        lines = Table(
            "类型",
            "支付科室",
            "所属科室",
            "金额",
            "建议金额",
            "版本",
            "说明",
            title="个人奖金行（fct_staff_bonus）",
        )
        for x in s.lines:
            lines.add_row(
                x.type_label,
                x.paying_dept_code,
                x.home_dept_code or "-",
                money(x.amount),
                money(x.suggested_amount),
                (x.version_id or "-")[:8],
                escape(x.reason or "-"),
            )
        console.print(lines if s.lines else "尚无个人奖金行（二次分配未批准）")
        for code, v in s.versions.items():
            console.print(escape(v.text) if v else f"{code}：无已批准的二次分配")
        for g in s.suggestions:
            console.print(escape(g.text))
    for d in depts:
        console.print(
            f"\n[bold]{escape(d.perf_dept_name or '-')}（{d.perf_dept_code}）{d.period} 科室奖金 {money(d.dept_bonus)}[/bold]"
        )
        mom = "-" if d.mom_change is None else f"{d.mom_change * 100:+.2f}%"
        console.print(
            f"{d.dept_category or '-'} · {d.accounting_group or '-'} · 在岗 {num(d.headcount, '{}')} 人 · "
            f"人均 {money(d.per_capita_bonus)} · 点数 {num(d.points)} · KPI 系数 {num(d.kpi_coefficient)}"
            f"{'' if d.kpi_complete else '（考核不完整）'} · 上月 {money(d.prev_dept_bonus)}，环比 {mom}"
        )
        comps = Table(
            "分组",
            "组成",
            "数量",
            "单价/系数",
            "计算值",
            "金额",
            "计算过程",
            title="奖金构成（fct_dept_bonus）",
        )
        for c in d.components:
            comps.add_row(
                c.accounting_group,
                c.component_name or c.component_code,
                num(c.basis_quantity),
                num(c.rate, "{:,.6f}"),
                money(c.calculated_amount),
                money(c.amount),
                escape(d.formula(c)),
            )
        console.print(comps)
        console.print(f"各项合计 {money(d.components_total)}，科室奖金 {money(d.dept_bonus)}")
        for c in d.components:
            if c.adjustment_id:
                text = c.adjustment.text if c.adjustment else f"复核调整 {c.adjustment_id}（调整记录不可读）"
                console.print(
                    f"[yellow]{c.accounting_group} {c.component_name or c.component_code}：{escape(text)}[/yellow]"
                )
        groups = Table(
            "分组", "方案", "组预算", "点单价", "总额调节", title="核算分组预算与点单价（fct_bonus_pool）"
        )
        for g in d.groups.values():
            groups.add_row(
                g.accounting_group, g.scheme_code or "-", g.budget_text, g.price_text, g.closing_text
            )
        console.print(groups)
        if not d.kpi:
            console.print("KPI：无综合目标考核结果，KPI 系数按 1 计")
        for k in d.kpi:
            console.print(f"KPI：{escape(k.text)}")
            kt = Table(
                "编码",
                "指标",
                "方法",
                "实际值",
                "目标",
                "得分",
                "权重",
                "权重得分",
                "状态",
                title="考核得分（fct_kpi_scores）",
            )
            for x in k.lines:
                target = num(x.target) + ("（建议）" if x.target_source == "suggested" else "")
                kt.add_row(
                    x.indicator_code,
                    escape(x.indicator_name or "-"),
                    METHOD_NAMES.get(x.method, x.method or "-"),
                    num(x.actual),
                    target,
                    num(x.score),
                    num(x.weight, "{:,.0f}"),
                    num(x.weighted_score, "{:,.2f}"),
                    x.score_status or "-",
                )
            console.print(kt)
        if d.single_items:
            si = Table("分组", "单项", "数量", "单价", "金额", title="单项奖励")
            for c in d.single_items:
                si.add_row(
                    c.accounting_group,
                    c.component_name or c.component_code,
                    num(c.basis_quantity, "{:,.0f}"),
                    num(c.rate, "{:,.2f}"),
                    money(c.amount),
                )
            console.print(si)
        else:
            console.print("单项奖励：无")
        if d.warnings:
            wt = Table("规则", "级别", "说明", title="预警（fct_bonus_warnings）")
            for w in d.warnings:
                wt.add_row(escape(w.rule_name or w.rule_code), w.severity or "-", escape(w.detail or "-"))
            console.print(wt)
        else:
            console.print("预警：无")
        p = d.points_trace
        if p is None:
            console.print(f"点数来源：{escape(d.points_note or '-')}")
            continue
        console.print(
            "点数来源（工作量点数 "
            + num(p.total_points)
            + "）："
            + "，".join(f"{k} {v:,.4f}" for k, v in p.by_role.items())
        )
        items = Table("标准编码", "项目名称", "角色", "点数", "计算过程", title=f"前 {top} 个收费项目")
        for i in p.items:
            items.add_row(
                i.standard_code or "-", escape(i.item_name or "-"), i.role, num(i.points), i.formula
            )
        console.print(items)
        docs = Table("工号", "姓名", "角色", "点数", title=f"前 {top} 位医生")
        for x in p.doctors:
            docs.add_row(x.staff_id, escape(x.staff_name or "-"), x.role, num(x.points))
        console.print(docs)


@kpi_app.command("run")
def kpi_run(period: Annotated[str, typer.Option(parser=PERIOD, help="期间 YYYY-MM")]) -> None:
    """一键计算：先校验考核配置（有错即停，不做任何计算），再经 Dagster 刷新该月数据并计算得分与 KPI 系数。"""
    from connectors.kpi_config import KpiConfigInvalid, check_kpi_config

    settings.configure_environment()
    try:
        check_kpi_config()
    except KpiConfigInvalid as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    selection = '+key:"marts/fct_kpi_dept_summary" or +key:"marts/fct_kpi_scores"'
    summary = _run(period, period, "nightly_refresh", selection)
    if not summary.success:
        raise typer.Exit(1)


@kpi_app.command("show")
def kpi_show(
    dept: Annotated[str, typer.Option(help="绩效科室编码，如 D0102")],
    period: Annotated[str, typer.Option(parser=PERIOD, help="期间 YYYY-MM")],
) -> None:
    """打印某科室某月的得分卡：各指标实际值、目标、得分、权重得分与状态，以及总分和 KPI 系数。"""
    from orchestration.kpi_scorecard import METHOD_NAMES, ScoreCardError, score_card

    settings.configure_environment()
    try:
        card = score_card(settings.warehouse_path(), dept, period)
    except ScoreCardError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc

    def num(x, fmt="{:,.4f}"):
        return "-" if x is None else fmt.format(x)

    console.print(
        f"[bold]{card.perf_dept_name}（{card.perf_dept_code}）{card.period} {card.scheme_name}[/bold]\n"
        f"总分 {card.total_score:,.2f} / {card.scheme_score:,.0f}，KPI 系数 {card.kpi_coefficient}，{card.completeness}"
    )
    t = Table("编码", "指标", "方法", "实际值", "目标", "得分", "满分", "权重", "权重得分", "状态")
    for x in card.lines:
        target = num(x.target) + ("（建议）" if x.target_source == "suggested" else "")
        t.add_row(x.indicator_code, x.indicator_name or "-", METHOD_NAMES.get(x.method, x.method), num(x.actual),
                  target, num(x.score), num(x.points, "{:,.0f}"), num(x.weight, "{:,.0f}"),
                  num(x.weighted_score, "{:,.2f}"), x.score_status)
    console.print(t)


def _register_subcommands() -> None:
    from orchestration import cli_allocation, cli_bonus, cli_dq, cli_national, cli_reference, cli_report

    cli_bonus.register(app)
    cli_allocation.register(app)
    cli_dq.register(app)
    cli_national.register(app)
    cli_reference.register(app)
    cli_report.register(app)


_register_subcommands()


def main() -> None:
    """The ``jixiao`` entry point: every failure is one Chinese line and a non-zero exit code, no
    traceback (orchestration/cli_errors.py)."""
    from orchestration.cli_errors import run_cli

    run_cli(typer.main.get_command(app))


if __name__ == "__main__":  # pragma: no cover
    main()
