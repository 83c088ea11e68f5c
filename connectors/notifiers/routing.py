"""WeCom routing (通知路由): which channel(s) receive a notice of a given tier, from ``routing.yml``.

The routing file maps tiers (kinds of problem) to channel names, departments to their own channel,
and holds the dedupe window and the retry policy. It never holds a webhook: each channel's webhook
comes from the environment (see :mod:`connectors.notifiers.wecom`).

The file is validated on load; :class:`RoutingError` names the file and the problem (in Chinese,
shown to the operator as is).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_ROUTING = Path(__file__).with_name("routing.yml")
ROUTING_ENV = "JIXIAO_WECOM_ROUTING"

# tier → label (Chinese, shown in messages and errors). The department tier is routed per department.
TIERS: dict[str, str] = {
    "source": "数据源",
    "connection": "源库连接",
    "mapping": "收费项目对照",
    "quality": "数据质量",
    "pipeline": "运行",
    "bonus": "奖金流程",
    "department": "科室",
}
DEPARTMENT_TIER = "department"

_CHANNEL_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_TOP_KEYS = {"version", "channels", "tiers", "departments", "dedupe_window_minutes", "delivery"}
_DELIVERY_KEYS = {"attempts", "base_delay_seconds", "timeout_seconds"}


class RoutingError(ValueError):
    """The routing file is malformed, or a notice names an unknown tier (message in Chinese)."""


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts per channel and exponential backoff: waits base, 2×base, 4×base … between attempts."""

    attempts: int = 3
    base_delay_seconds: float = 1.0
    timeout_seconds: float = 10.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return self.base_delay_seconds * (2 ** (attempt - 1))


@dataclass(frozen=True)
class Routing:
    channels: dict[str, str]
    tiers: dict[str, tuple[str, ...]]
    default_department_channel: str
    department_channels: dict[str, str] = field(default_factory=dict)
    dedupe_window_minutes: float = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    source: str = "<memory>"

    def channels_for(self, tier: str, dept_code: str | None = None) -> tuple[str, ...]:
        """The channels for a notice: the tier's channels; for the department tier the department's
        own channel (or the default) first, then any channels listed under ``tiers.department``."""
        if tier not in self.tiers:
            raise RoutingError(f"未知的通知级别「{tier}」（可用：{'、'.join(self.tiers)}）")
        chosen: list[str] = []
        if tier == DEPARTMENT_TIER:
            code = (dept_code or "").strip()
            chosen.append(self.department_channels.get(code, self.default_department_channel))
        for c in self.tiers[tier]:
            if c not in chosen:
                chosen.append(c)
        return tuple(chosen)


def _err(source: str, what: str) -> RoutingError:
    return RoutingError(f"通知路由配置 {source} 有误：{what}")


def _channel_list(value: Any, where: str, declared: dict[str, str], source: str) -> tuple[str, ...]:
    if value is None:
        items: list[Any] = []
    elif isinstance(value, str):
        items = [value]
    elif isinstance(value, list):
        items = value
    else:
        raise _err(source, f"{where} 应为频道名或频道名列表")
    out: list[str] = []
    for c in items:
        if not isinstance(c, str) or c not in declared:
            raise _err(source, f"{where} 引用了未在 channels 中声明的频道「{c}」")
        if c not in out:
            out.append(c)
    return tuple(out)


def _number(value: Any, where: str, source: str, *, minimum: float, integer: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _err(source, f"{where} 应为数字")
    if integer and not isinstance(value, int):
        raise _err(source, f"{where} 应为整数")
    if value < minimum:
        raise _err(source, f"{where} 不能小于 {minimum:g}")
    return value


def parse_routing(raw: Any, source: str = "<memory>") -> Routing:
    """Validate a parsed routing document (see ``routing.yml``) and build a :class:`Routing`."""
    if not isinstance(raw, dict):
        raise _err(source, "顶层应为映射（channels / tiers / departments …）")
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise _err(source, f"未知的配置项 {'、'.join(map(str, unknown))}")

    channels = raw.get("channels")
    if not isinstance(channels, dict) or not channels:
        raise _err(source, "缺少 channels（频道名: 说明）")
    for name, label in channels.items():
        if not isinstance(name, str) or not _CHANNEL_RE.match(name):
            raise _err(source, f"频道名「{name}」只能由小写字母、数字和下划线组成且以字母开头")
        if label is not None and not isinstance(label, str):
            raise _err(source, f"频道「{name}」的说明应为文字")
    declared = {name: (label or name) for name, label in channels.items()}

    tiers_raw = raw.get("tiers")
    if not isinstance(tiers_raw, dict):
        raise _err(source, "缺少 tiers（通知级别 → 频道）")
    for tier in tiers_raw:
        if tier not in TIERS:
            raise _err(source, f"未知的通知级别「{tier}」（可用：{'、'.join(TIERS)}）")
    tiers: dict[str, tuple[str, ...]] = {}
    for tier in TIERS:
        if tier not in tiers_raw:
            raise _err(source, f"缺少通知级别「{tier}」（{TIERS[tier]}）的频道")
        tiers[tier] = _channel_list(tiers_raw[tier], f"tiers.{tier}", declared, source)
        if not tiers[tier] and tier != DEPARTMENT_TIER:
            raise _err(source, f"通知级别「{tier}」（{TIERS[tier]}）没有配置频道")

    depts = raw.get("departments")
    if not isinstance(depts, dict):
        raise _err(source, "缺少 departments（default 默认科室频道，channels 科室编码 → 频道）")
    unknown = sorted(set(depts) - {"default", "channels"})
    if unknown:
        raise _err(source, f"departments 下未知的配置项 {'、'.join(map(str, unknown))}")
    default = depts.get("default")
    if not isinstance(default, str) or not default:
        raise _err(source, "departments.default（默认科室频道）未配置")
    _channel_list(default, "departments.default", declared, source)
    dept_map_raw = depts.get("channels") or {}
    if not isinstance(dept_map_raw, dict):
        raise _err(source, "departments.channels 应为 科室编码: 频道 的映射")
    dept_map: dict[str, str] = {}
    for code, channel in dept_map_raw.items():
        chosen = _channel_list(channel, f"departments.channels.{code}", declared, source)
        if len(chosen) != 1:
            raise _err(source, f"departments.channels.{code} 应配置一个频道")
        dept_map[str(code).strip()] = chosen[0]

    window = _number(raw.get("dedupe_window_minutes", 60), "dedupe_window_minutes", source, minimum=0)

    delivery = raw.get("delivery") or {}
    if not isinstance(delivery, dict):
        raise _err(source, "delivery 应为映射（attempts / base_delay_seconds / timeout_seconds）")
    unknown = sorted(set(delivery) - _DELIVERY_KEYS)
    if unknown:
        raise _err(source, f"delivery 下未知的配置项 {'、'.join(map(str, unknown))}")
    retry = RetryPolicy(
        attempts=int(
            _number(delivery.get("attempts", 3), "delivery.attempts", source, minimum=1, integer=True)
        ),
        base_delay_seconds=float(
            _number(delivery.get("base_delay_seconds", 1), "delivery.base_delay_seconds", source, minimum=0)
        ),
        timeout_seconds=float(
            _number(delivery.get("timeout_seconds", 10), "delivery.timeout_seconds", source, minimum=0.001)
        ),
    )
    if retry.attempts > 10:
        raise _err(source, "delivery.attempts 不能大于 10")

    return Routing(
        channels=declared,
        tiers=tiers,
        default_department_channel=default,
        department_channels=dept_map,
        dedupe_window_minutes=float(window),
        retry=retry,
        source=source,
    )


def routing_path() -> Path:
    """``$JIXIAO_WECOM_ROUTING`` if set, else the shipped ``connectors/notifiers/routing.yml``."""
    custom = os.environ.get(ROUTING_ENV, "").strip()
    return Path(custom) if custom else DEFAULT_ROUTING


def load_routing(path: Path | str | None = None) -> Routing:
    """Read and validate the routing file (default: :func:`routing_path`)."""
    p = Path(path) if path is not None else routing_path()
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RoutingError(f"无法读取通知路由配置 {p}：{exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise RoutingError(f"通知路由配置 {p} 不是有效的 YAML：{exc}") from exc
    return parse_routing(raw, str(p))
