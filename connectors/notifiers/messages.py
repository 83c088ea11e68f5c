"""Notices and their Chinese markdown (通知内容): :class:`Notice` and one builder per event.

A :class:`Notice` carries its tier (routing, see ``routing.yml``), a title, markdown body lines, an
optional department code (for the department tier), a dedupe key (the same problem → the same key,
so repeats within the window are suppressed) and a severity. :meth:`Notice.markdown` renders the
WeCom markdown: a heading with the severity, the body lines, a footer with the time.

Field values from the outside (error texts, reasons) go through :func:`field_value`: one line,
shortened, ``<``/``>`` made harmless for WeCom's markdown, and :func:`redact` removes passwords and
keys (connection strings in source errors).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from connectors.notifiers.routing import TIERS
from connectors.notifiers.wecom import truncate_utf8

SEVERITIES = {"info": "提示", "warning": "警告", "critical": "严重"}
_SEVERITY_COLOR = {"info": "info", "warning": "warning", "critical": "warning"}
# dbt / check severities → ours
_SEVERITY_ALIASES = {"warn": "warning", "error": "critical", "fatal": "critical", "high": "critical"}

# Steps that read the source systems: a failure there is a source (or connection) problem for IT.
SOURCE_STEP_PREFIXES = ("extract_",)
SOURCE_STEPS = frozenset({"manual_filings", "reference_catalogues"})
_CONNECTION_RE = re.compile(
    r"(?i)(connection|connect|refused|unreachable|timed? ?out|timeout|could not translate host|"
    r"name or service not known|no route to host|network|operationalerror|login|"
    r"authentication|ssl|连接|超时|无法访问)"
)

_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@]+):[^\s@/]+@")
_SECRET_KV_RE = re.compile(
    r"(?i)\b(key|password|passwd|pwd|token|secret|access_token|api_key)(\s*[=:]\s*)([^&\s;,'\"]+)"
)


def redact(text: object) -> str:
    """``text`` without passwords in URLs (``user:***@``) and without ``password=… / key=…`` values."""
    s = _USERINFO_RE.sub(r"\1:***@", str(text))
    return _SECRET_KV_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}***", s)


def field_value(value: object, limit: int = 200) -> str:
    """A value for one markdown line: redacted, whitespace collapsed, at most ``limit`` characters."""
    if value is None:
        return "-"
    s = " ".join(redact(value).split())
    s = s.replace("<", "＜").replace(">", "＞")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def severity_of(value: str | None, default: str = "warning") -> str:
    s = (value or default).strip().lower()
    s = _SEVERITY_ALIASES.get(s, s)
    return s if s in SEVERITIES else default


def _money(x: object) -> str:
    if x is None:
        return "-"
    try:
        return f"{Decimal(str(x)):,.2f} 元"
    except (InvalidOperation, ValueError):
        return field_value(x)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Notice:
    """One notification. ``lines`` are markdown lines (already escaped by the builders)."""

    tier: str
    title: str
    lines: tuple[str, ...] = ()
    dept_code: str | None = None
    dedupe_key: str = ""
    severity: str = "warning"
    at: datetime = field(default_factory=lambda: datetime.now().astimezone())

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"未知的通知级别「{self.tier}」（可用：{'、'.join(TIERS)}）")
        if self.severity not in SEVERITIES:
            raise ValueError(f"未知的严重程度「{self.severity}」（可用：{'、'.join(SEVERITIES)}）")
        if not self.title.strip():
            raise ValueError("通知必须有标题")
        if not self.dedupe_key:
            body = "\n".join((self.tier, self.dept_code or "", self.title, *self.lines))
            object.__setattr__(self, "dedupe_key", f"{self.tier}:{_short_hash(body)}")

    def markdown(self) -> str:
        """The WeCom markdown content (at most 4096 UTF-8 bytes)."""
        color = _SEVERITY_COLOR[self.severity]
        head = [
            f"### {self.title}",
            f'<font color="{color}">【{SEVERITIES[self.severity]}】</font>{TIERS[self.tier]}',
        ]
        foot = [f'<font color="comment">{self.at:%Y-%m-%d %H:%M:%S} · Jixiao 绩效平台</font>']
        return truncate_utf8("\n".join([*head, *self.lines, *foot]))


def _line(label: str, value: object, limit: int = 200) -> str:
    return f"> {label}：{field_value(value, limit)}"


def _code(value: object) -> str:
    return f"`{field_value(value).replace('`', '')}`"


# ----------------------------------------------------------------------------------- run failures
def run_failure_tier(step: str | None, error: str | None) -> str:
    """source/connection for a step that reads the source systems, pipeline for any other step."""
    s = (step or "").strip()
    if s.startswith(SOURCE_STEP_PREFIXES) or s in SOURCE_STEPS:
        return "connection" if _CONNECTION_RE.search(error or "") else "source"
    return "pipeline"


def notice_run_failure(
    job: str, run_id: str, step: str | None, error: str | None, *, tier: str | None = None
) -> Notice:
    """A failed Dagster run. The tier follows :func:`run_failure_tier` unless given."""
    tier = tier or run_failure_tier(step, error)
    what = {"connection": "源库连接失败", "source": "数据抽取失败"}.get(tier, "运行失败")
    lines = [
        _line("作业", job),
        _line("失败步骤", step or "-"),
        f"> 运行编号：{_code(run_id)}",
        _line("错误", error or "-", 300),
    ]
    lines.append(
        "处理：请信息科检查源系统连接与账号，修复后重新运行。"
        if tier in ("connection", "source")
        else "处理：请在 Dagster 界面查看该运行的日志，修复后重新运行。"
    )
    return Notice(
        tier=tier,
        title=f"{what}：{field_value(job, 60)}",
        lines=tuple(lines),
        dedupe_key=f"run_failure:{job}:{step or '-'}",
        severity="critical",
    )


# ----------------------------------------------------------------------------------- data quality
def notice_quality_failure(
    period: str,
    check_id: str,
    category: str | None,
    severity: str | None,
    observed: object,
    threshold: object,
    table: str | None,
) -> Notice:
    """A data-quality check that did not pass; category ``mapping`` goes to the mapping tier."""
    cat = (category or "").strip()
    tier = "mapping" if cat.lower() in ("mapping", "对照") else "quality"
    sev = severity_of(severity)
    return Notice(
        tier=tier,
        title=f"{field_value(period, 20)} 数据质量检查未通过：{field_value(check_id, 60)}",
        lines=(
            _line("期间", period),
            _line("检查项", check_id),
            _line("类别", cat or "-"),
            _line("严重程度", SEVERITIES[sev]),
            _line("实际值", observed),
            _line("阈值", threshold),
            f"> 数据表：{_code(table or '-')}",
            "处理：请绩效办核对相关数据或对照，必要时联系数据来源科室。",
        ),
        dedupe_key=f"quality:{period}:{check_id}",
        severity=sev,
    )


# ----------------------------------------------------------------------------------- bonus workflow
def notice_bonus_calculated(period: str, pool_total: object, warnings: int | None) -> Notice:
    """``jixiao bonus run`` succeeded: the period is 已核算."""
    n = warnings or 0
    lines = [
        _line("期间", period),
        _line("状态", "已核算（待审核）"),
        _line("奖金池", _money(pool_total)),
        _line(
            "预警", "-" if warnings is None else f"{n} 条" + ("（见 marts.fct_bonus_warnings）" if n else "")
        ),
        f"下一步：审核 `jixiao bonus audit --period {field_value(period, 20)}`",
    ]
    return Notice(
        tier="bonus",
        title=f"{field_value(period, 20)} 奖金已核算",
        lines=tuple(lines),
        dedupe_key=f"bonus_calculated:{period}:{pool_total}:{warnings}",
        severity="warning" if n else "info",
    )


def notice_bonus_issued(period: str, content_hash: str) -> Notice:
    """``jixiao close`` succeeded: the period is archived and 已发放."""
    return Notice(
        tier="bonus",
        title=f"{field_value(period, 20)} 奖金已关账发放",
        lines=(
            _line("期间", period),
            _line("状态", "已发放（已归档）"),
            f"> 归档哈希：{_code(content_hash)}",
        ),
        dedupe_key=f"bonus_issued:{period}:{content_hash}",
        severity="info",
    )


def notice_bonus_reopened(period: str, reason: str | None, by: str | None) -> Notice:
    """``jixiao reopen`` succeeded: the period is back to 草稿, its archive is no longer active.

    Every reopen is its own event (the key holds the time), so a repeat is never suppressed."""
    at = datetime.now().astimezone()
    return Notice(
        tier="bonus",
        title=f"{field_value(period, 20)} 奖金期间已重新开放",
        lines=(
            _line("期间", period),
            _line("状态", "已发放 → 草稿（原归档已失效）"),
            _line("原因", reason),
            _line("操作人", by),
        ),
        dedupe_key=f"bonus_reopened:{period}:{at.isoformat(timespec='microseconds')}",
        severity="warning",
        at=at,
    )


def notice_dept_bonus_warning(period: str, dept_code: str, rule: str, detail: object) -> Notice:
    """A bonus warning about one department: to that department's head group."""
    return Notice(
        tier="department",
        title=f"{field_value(period, 20)} 科室奖金预警：{field_value(dept_code, 30)}",
        lines=(
            _line("期间", period),
            _line("科室", dept_code),
            _line("预警规则", rule),
            _line("说明", detail),
            "处理：请科室核对本科室数据，如有疑问联系绩效办。",
        ),
        dept_code=dept_code,
        dedupe_key=f"dept_warning:{period}:{dept_code}:{rule}",
        severity="warning",
    )
