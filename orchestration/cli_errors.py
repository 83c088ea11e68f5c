"""How the ``jixiao`` command fails (命令行错误): one Chinese line on stderr, a non-zero exit code, the
detail (traceback) in ``$JIXIAO_DATA_DIR/logs/jixiao.log`` — never a traceback on the terminal.

* a malformed option or argument (click's usage errors, in Chinese) → exit 2;
* an invalid setting (:class:`orchestration.settings.SettingsError`) → exit 2;
* the warehouse locked by another process (a second ``jixiao run``, a running Dagster job) → exit 3;
* anything else → exit 1, with the exception type and message.

:data:`PERIOD` is the option type of every ``--period``/``--to``/``--partition`` (YYYY-MM), parsed by
the one Period type (connectors.source_config.Period).
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from datetime import datetime
from pathlib import Path

from rich.console import Console
from typer._click import exceptions as click_errors  # typer ships its own click: these are its classes
from typer.exceptions import Abort

from connectors.source_config import Period
from connectors.upload_limits import UploadLimitsError
from orchestration import settings
from orchestration.cli_help import localise_command_tree
from orchestration.run_lock import PipelineBusy

_err = Console(stderr=True, soft_wrap=True)


def PERIOD(value):  # noqa: N802 - used as an option type, like click.INT
    """A month ``YYYY-MM`` (核算期间) as its key; a Chinese ValueError otherwise."""
    if value is None:
        return value
    try:
        return Period.parse(str(value).strip()).key
    except ValueError:
        raise ValueError(f"“{value}”不是有效期间，应为 YYYY-MM（如 2025-10，月份 01–12）") from None


def _is_option(param) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _hint(param, fallback: str = "") -> str:
    if param is None:
        return fallback
    if _is_option(param):
        return "/".join(param.opts)
    return (param.human_readable_name or param.name or "").upper()


_CLICK_REASONS = (
    (re.compile(r"^Value error, (.*)$"), "{0}"),
    (re.compile(r"^Input should be a valid integer.*$"), "不是整数"),
    (re.compile(r"^Input should be a valid number.*$"), "不是数字"),
    (re.compile(r"^Input should be a valid boolean.*$"), "不是布尔值（true/false）"),
    (re.compile(r"^Input should be (?:greater|less) than(?: or equal to)? (.*)$"), "超出允许范围（{0}）"),
    (re.compile(r"^'?(.*?)'? is not a valid integer(?: range)?\.?$"), "“{0}”不是整数"),
    (re.compile(r"^'?(.*?)'? is not a valid float(?: range)?\.?$"), "“{0}”不是数字"),
    (re.compile(r"^'?(.*?)'? is not a valid boolean\.?$"), "“{0}”不是布尔值（true/false）"),
    (re.compile(r"^'?(.*?)'? is not one of (.*)\.$"), "“{0}”不是可选值，可选：{1}"),
    (re.compile(r"^(?:File|Directory|Path) '(.*)' does not exist\.?$"), "路径“{0}”不存在"),
    (re.compile(r"^(.*) is not in the range (.*)\.$"), "{0} 不在允许范围 {1} 内"),
)


def _reason(text: str) -> str:
    for pattern, template in _CLICK_REASONS:
        m = pattern.match(text.strip())
        if m:
            return template.format(*m.groups())
    return text


def usage_error_line(exc: click_errors.UsageError) -> str:
    """The one Chinese line for a click usage error."""
    if isinstance(exc, click_errors.NoSuchOption):
        similar = f"；是否应为 {'、'.join(exc.possibilities)}" if exc.possibilities else ""
        what = f"没有选项 {exc.option_name}{similar}"
    elif isinstance(exc, click_errors.MissingParameter):
        kind = "选项" if _is_option(exc.param) else "参数"
        what = f"缺少{kind} {_hint(exc.param, exc.param_hint or '')}"
    elif isinstance(exc, click_errors.BadParameter):
        hint = _hint(exc.param, exc.param_hint or "") if exc.param is not None or exc.param_hint else ""
        what = f"{hint} 的值无效：{_reason(exc.message)}" if hint else f"参数值无效：{_reason(exc.message)}"
    elif isinstance(exc, click_errors.BadOptionUsage):
        m = re.match(r"Option '(.*)' requires (?:an argument|\d+ arguments)\.?", exc.message)
        n = re.match(r"Option '(.*)' does not take a value\.?", exc.message)
        what = f"选项 {m.group(1)} 需要一个值" if m else f"选项 {n.group(1)} 不接受值" if n else _reason(exc.message)
    else:
        m = re.match(r"No such command '(.*)'\.?", exc.message)
        n = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)\.?", exc.message)
        what = f"没有子命令 {m.group(1)}" if m else f"多余的参数：{n.group(1)}" if n else _reason(exc.message)
    path = exc.ctx.command_path if exc.ctx is not None else "jixiao"
    return f"命令行错误：{what}（用 {path} --help 查看用法）"


def log_path() -> Path:
    return settings.data_dir() / "logs" / "jixiao.log"


def _log_detail(exc: BaseException) -> Path | None:
    """Append the traceback of ``exc`` to the command's log; None when the log cannot be written."""
    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S} jixiao {' '.join(sys.argv[1:])}\n")
            f.write(redact("".join(traceback.format_exception(exc))))
        path.chmod(0o600)
        return path
    except OSError:
        return None


_CREDENTIALS = re.compile(r"(\w[\w+.-]*://[^:/@\s]+:)[^@\s]+@")


def redact(text: str) -> str:
    """A message without the password of any ``scheme://user:password@host`` it quotes."""
    return _CREDENTIALS.sub(r"\1***@", text)


LOCK_MESSAGE = "数据仓库正被另一个进程使用（如另一个 jixiao run、Dagster 作业或打开的客户端），请等其结束后重试"


def known_cause(message: str) -> str | None:
    """The Chinese line for an error whose cause is known (warehouse locked, missing, incomplete)."""
    if "Could not set lock" in message or "Conflicting lock" in message:
        return LOCK_MESSAGE
    missing = re.search(r'Table with name "?([\w.]+)"? does not exist', message)
    if missing:
        return f"数据仓库中没有 {missing.group(1)}：请先运行 jixiao demo 或 jixiao run 生成数据"
    if "database does not exist" in message:
        return "数据仓库不存在：请先运行 jixiao demo 或 jixiao run 生成数据"
    return None


def failure_line(message: str) -> str:
    """A failed step's innermost error as one line, in Chinese where the cause is a known one."""
    return known_cause(message) or _one_line(message)


def _one_line(text) -> str:
    return redact(" ".join(str(text).split()))[:400]


def _log_to_file() -> None:
    """Warnings and errors of every module (e.g. an intake check that failed unexpectedly) go to
    ``jixiao.log``, never to the terminal: Python's last-resort handler would print a traceback."""
    logging.lastResort = None
    logging.captureWarnings(True)  # library warnings (e.g. Dagster's BetaWarning) to the log, not stderr
    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        path.chmod(0o600)
    except OSError:
        return
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_jixiao_cli", False)]:  # one per process
        root.removeHandler(old)
        old.close()
    handler._jixiao_cli = True
    root.addHandler(handler)


def run_cli(command) -> None:
    """Run the click command of the ``jixiao`` app and turn every failure into one line + exit code."""
    _log_to_file()
    localise_command_tree(command)
    try:
        code = command.main(standalone_mode=False, prog_name="jixiao")
    except click_errors.NoArgsIsHelpError as exc:
        print(exc.ctx.get_help())
        sys.exit(2)
    except click_errors.UsageError as exc:
        _err.print(usage_error_line(exc), markup=False)
        sys.exit(2)
    except Abort:
        _err.print("已取消", markup=False)
        sys.exit(1)
    except PipelineBusy as exc:
        _err.print(str(exc), markup=False)
        sys.exit(3)
    except (settings.SettingsError, UploadLimitsError) as exc:
        _err.print(f"配置错误：{exc}", markup=False)
        sys.exit(2)
    except Exception as exc:
        logging.getLogger("jixiao").debug("command failed", exc_info=exc)
        where = _log_detail(exc)
        detail = f"（详情见日志 {where}）" if where else ""
        known = known_cause(str(exc))
        if known is not None:
            _err.print(known + detail, markup=False)
            sys.exit(3 if known == LOCK_MESSAGE else 1)
        _err.print(f"出错：{_one_line(exc) or type(exc).__name__}（{type(exc).__name__}）{detail}", markup=False)
        sys.exit(1)
    sys.exit(code or 0)
