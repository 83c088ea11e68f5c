"""Delivery (通知发送): route a :class:`Notice`, suppress duplicates, send with retries, log every step.

``notify(notice)`` sends the notice to every channel of its tier (see ``routing.yml``). Per channel:

* no webhook in the environment → ``skipped`` (not an error);
* the same dedupe key was sent to the channel within the window → ``suppressed``; the state lives in
  ``<alerts_dir>/wecom_dedupe.json`` (file-locked, so it holds across processes). A key is claimed
  before sending and released again if the delivery fails, so a failed alert is not suppressed;
* otherwise up to ``delivery.attempts`` POSTs with exponential backoff on network errors, HTTP 5xx
  and errcode != 0 → ``sent`` or ``failed`` (each failed attempt before the last is logged ``retried``).

Every outcome is one JSON line in ``<alerts_dir>/wecom_log.jsonl``: time, status, tier, channel,
dedupe key, title, severity, attempt(s), HTTP status, errcode, error — never the webhook URL or key.
``notify`` does not raise on delivery problems (they are in the result and the log); it raises
:class:`~connectors.notifiers.routing.RoutingError` on a broken routing file.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from connectors.notifiers.messages import Notice
from connectors.notifiers.routing import Routing, load_routing
from connectors.notifiers.wecom import (
    Webhook,
    WeComError,
    configured_secrets,
    post_markdown,
    scrub,
    webhook_for,
)

log = logging.getLogger("jixiao.notifiers")

LOG_FILE = "wecom_log.jsonl"
STATE_FILE = "wecom_dedupe.json"
STATUSES = ("sent", "failed", "retried", "skipped", "suppressed")
_STATE_KEEP_SECONDS = 7 * 24 * 3600  # forget keys older than this (or than the window, if longer)


@dataclass(frozen=True)
class ChannelDelivery:
    """The outcome for one channel: sent / failed / skipped / suppressed."""

    channel: str
    status: str
    attempts: int = 0
    http_status: int | None = None
    errcode: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one :func:`notify` call over all the notice's channels."""

    tier: str
    title: str
    dedupe_key: str
    deliveries: tuple[ChannelDelivery, ...]

    @property
    def status(self) -> str:
        """failed if any channel failed, else sent if any was sent, else suppressed, else skipped."""
        got = {d.status for d in self.deliveries}
        for s in ("failed", "sent", "suppressed"):
            if s in got:
                return s
        return "skipped"

    @property
    def attempts(self) -> int:
        return max((d.attempts for d in self.deliveries), default=0)

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(d.channel for d in self.deliveries)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def for_channel(self, channel: str) -> ChannelDelivery:
        return next(d for d in self.deliveries if d.channel == channel)


# ----------------------------------------------------------------------------------- dedupe state
class SuppressionState:
    """Last send time per ``channel|dedupe_key`` in a small JSON file, under an exclusive file lock."""

    def __init__(self, path: Path, window_seconds: float) -> None:
        self.path = path
        self.window = window_seconds

    @contextmanager
    def _locked(self) -> Iterator[dict[str, float]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+") as lock:
            try:
                import fcntl

                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            except ImportError:  # pragma: no cover - not POSIX: no cross-process lock
                pass
            state = self._read()
            before = dict(state)
            yield state
            if state != before:
                self._write(state)

    def _read(self) -> dict[str, float]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("企业微信去重状态文件 %s 无法读取，已重置", self.path)
            return {}
        if not isinstance(raw, dict):
            return {}
        return {str(k): float(v) for k, v in raw.items() if isinstance(v, int | float)}

    def _write(self, state: dict[str, float]) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)

    def claim(self, key: str, now: float) -> bool:
        """True (and the key recorded at ``now``) unless the key was recorded within the window."""
        if self.window <= 0:
            return True
        keep = max(self.window, _STATE_KEEP_SECONDS)
        with self._locked() as state:
            for k in [k for k, t in state.items() if now - t > keep]:
                del state[k]
            last = state.get(key)
            if last is not None and 0 <= now - last < self.window:
                return False
            state[key] = now
            return True

    def release(self, key: str, claimed_at: float) -> None:
        """Forget a claim whose delivery failed (only if no other process re-claimed it since)."""
        if self.window <= 0:
            return
        with self._locked() as state:
            if state.get(key) == claimed_at:
                del state[key]


# ----------------------------------------------------------------------------------- notifier
class Notifier:
    """Routes, deduplicates, sends and logs. ``sleep`` and ``clock`` are injectable for tests."""

    def __init__(
        self,
        routing: Routing | None = None,
        *,
        alerts_dir: Path | None = None,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if alerts_dir is None:
            from orchestration.settings import alerts_dir as _alerts_dir

            alerts_dir = _alerts_dir()
        self.routing = routing if routing is not None else load_routing()
        self.alerts_dir = Path(alerts_dir)
        self.environ = os.environ if environ is None else environ
        self.sleep = sleep
        self.clock = clock
        self.state = SuppressionState(self.alerts_dir / STATE_FILE, self.routing.dedupe_window_minutes * 60)

    @property
    def log_path(self) -> Path:
        return self.alerts_dir / LOG_FILE

    def notify(self, notice: Notice) -> DeliveryResult:
        channels = self.routing.channels_for(notice.tier, notice.dept_code)
        # Never let a configured webhook travel inside a message (e.g. quoted in an error text).
        secrets = configured_secrets(self.environ)
        title = scrub(notice.title, secrets) if secrets else notice.title
        content = scrub(notice.markdown(), secrets) if secrets else notice.markdown()
        deliveries = tuple(self._deliver(notice, title, content, c, secrets) for c in channels)
        return DeliveryResult(notice.tier, title, notice.dedupe_key, deliveries)

    # ------------------------------------------------------------------------------ internals
    def _deliver(
        self, notice: Notice, title: str, content: str, channel: str, secrets: tuple[str, ...]
    ) -> ChannelDelivery:
        try:
            hook = webhook_for(channel, self.environ)
        except WeComError as exc:
            return self._done(notice, title, ChannelDelivery(channel, "failed", error=str(exc)))
        if hook is None:
            return self._done(notice, title, ChannelDelivery(channel, "skipped", error="未配置 webhook"))
        key = f"{channel}|{notice.dedupe_key}"
        claimed_at = self.clock()
        if not self.state.claim(key, claimed_at):
            return self._done(notice, title, ChannelDelivery(channel, "suppressed"))
        result = self._send(notice, title, content, hook, secrets)
        if result.status != "sent":
            self.state.release(key, claimed_at)
        return self._done(notice, title, result)

    def _send(
        self, notice: Notice, title: str, content: str, hook: Webhook, secrets: tuple[str, ...]
    ) -> ChannelDelivery:
        retry = self.routing.retry
        all_secrets = (*secrets, *hook.secrets())
        error: WeComError | None = None
        for attempt in range(1, retry.attempts + 1):
            try:
                reply = post_markdown(hook, content, retry.timeout_seconds)
            except WeComError as exc:
                error = exc
            else:
                return ChannelDelivery(hook.channel, "sent", attempt, reply.http_status, reply.errcode)
            message = scrub(error, all_secrets)
            if not error.retryable or attempt == retry.attempts:
                return ChannelDelivery(
                    hook.channel, "failed", attempt, error.http_status, error.errcode, message
                )
            delay = retry.delay(attempt)
            self._write_log(
                notice,
                title,
                ChannelDelivery(hook.channel, "retried", attempt, error.http_status, error.errcode, message),
                retry_in=delay,
            )
            self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _done(self, notice: Notice, title: str, d: ChannelDelivery) -> ChannelDelivery:
        self._write_log(notice, title, d)
        if d.status == "failed":
            log.warning("企业微信通知发送失败：频道 %s，%s（%s）", d.channel, title, d.error)
        elif d.status == "sent":
            log.info("企业微信通知已发送：频道 %s，%s", d.channel, title)
        else:
            log.debug("企业微信通知 %s：频道 %s，%s", d.status, d.channel, title)
        return d

    def _write_log(
        self, notice: Notice, title: str, d: ChannelDelivery, retry_in: float | None = None
    ) -> None:
        record = {
            "at": datetime.now().astimezone().isoformat(timespec="milliseconds"),
            "status": d.status,
            "tier": notice.tier,
            "channel": d.channel,
            "dept_code": notice.dept_code,
            "dedupe_key": notice.dedupe_key,
            "title": title,
            "severity": notice.severity,
            "attempts": d.attempts,
            "http_status": d.http_status,
            "errcode": d.errcode,
            "error": d.error,
        }
        if retry_in is not None:
            record["retry_in_seconds"] = retry_in
        line = json.dumps(record, ensure_ascii=False)
        secrets = configured_secrets(self.environ)
        if secrets:
            line = scrub(line, secrets)
        try:
            self.alerts_dir.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
        except OSError as exc:
            log.warning("无法写入企业微信通知日志 %s：%s", self.log_path, exc.strerror or type(exc).__name__)


def notify(event: Notice, *, routing: Routing | None = None) -> DeliveryResult:
    """Send ``event`` to its channels (routing from ``$JIXIAO_WECOM_ROUTING`` or the shipped file)."""
    return Notifier(routing).notify(event)
