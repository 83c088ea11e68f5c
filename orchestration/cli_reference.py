"""``jixiao reference …``: the code lists (编码目录) of the national assessment 国考.

``reference load LIST FILE`` checks a hospital's list (手术分级目录, 低风险病种, 抗菌药物 DDD 值 …) and
replaces ``raw_reference.code_list__<LIST>``; ``reference lists`` shows where every list's rows come
from now. Backed by ``connectors.catalogue`` (``code_lists.yml``). Registered on the main app by
``register(app)`` (called from orchestration/cli.py)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.markup import escape

from orchestration import settings

console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160, highlight=False)
_BUSY = "仓库文件正被其他进程使用（如正在运行的 jixiao run），请等它结束后再试"
reference_app = typer.Typer(help="编码目录（手术分级、低风险病种、抗菌药物 DDD、基本药物等国考目录）", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the code-list commands to the main ``jixiao`` app."""
    app.add_typer(reference_app, name="reference")


@reference_app.command("load")
def load(
    list_name: Annotated[str, typer.Argument(metavar="LIST", help="目录名，如 surgery_grades（见 jixiao reference lists）")],
    file: Annotated[Path, typer.Argument(help="目录文件 .csv/.tsv/.xlsx（英文或中文列名）")],
    edition: Annotated[str | None, typer.Option(help="版本，如 2024 或 省卫健委-2024；默认 医院导入-当天日期")] = None,
    effective_from: Annotated[
        str | None, typer.Option(help="生效日期 YYYY-MM-DD（文件中未填生效日期的行使用；默认 2000-01-01，即对所有期间有效）")
    ] = None,
    note: Annotated[str, typer.Option(help="来源说明（文件出处、下载日期）")] = "",
) -> None:
    """校验并整表替换一个编码目录；有任何错误则一行也不导入。"""
    from connectors.catalogue import get_code_list, load_code_list

    settings.configure_environment()
    try:
        spec = get_code_list(list_name)
        start = date.fromisoformat(effective_from) if effective_from else None
    except ValueError as exc:
        message = str(exc) if effective_from is None or "编码目录" in str(exc) else \
            f"--effective-from「{effective_from}」不是日期，应写成 YYYY-MM-DD"
        console.print(f"[red]{escape(message)}[/red]")
        raise typer.Exit(1) from exc
    try:
        r = load_code_list(file, spec, settings.warehouse_path(), edition=edition, effective_from=start, note=note)
    except (FileNotFoundError, ValueError) as exc:  # CodeListValidationError is a ValueError
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    except duckdb.IOException as exc:
        console.print(f"[red]{_BUSY}[/red]（{escape(str(exc))}）")
        raise typer.Exit(1) from exc
    console.print(f"[green]{r.message}[/green]")


@reference_app.command("lists")
def lists() -> None:
    """列出每个编码目录、当前来源（随附演示目录 / 医院导入 + 版本 + 导入时间）和行数。"""
    from connectors.catalogue import code_list_status

    settings.configure_environment()
    try:
        status = code_list_status(settings.warehouse_path())
    except duckdb.IOException as exc:
        console.print(f"[red]{_BUSY}[/red]（{escape(str(exc))}）")
        raise typer.Exit(1) from exc
    for s in status:
        console.print(s.line)
