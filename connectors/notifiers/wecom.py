"""WeCom group-robot transport (企业微信群机器人): webhook lookup from the environment and one POST.

A channel's webhook comes from ``JIXIAO_WECOM_<CHANNEL>_URL`` (full URL; wins if both are set) or
``JIXIAO_WECOM_<CHANNEL>_KEY`` (the robot key, appended to :data:`OFFICIAL_URL`). The webhook is a
secret: it is never printed, logged or put in an exception. :class:`Webhook` hides it in its repr,
and :func:`post_markdown` raises :class:`WeComError` with a scrubbed message and no chained cause
(urllib's errors carry the URL).

Only the standard library (``urllib.request``) is used, with a timeout on every request.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

OFFICIAL_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="
ENV_PREFIX = "JIXIAO_WECOM_"
MAX_MARKDOWN_BYTES = 4096  # WeCom's limit for markdown.content (UTF-8 bytes)
RATE_LIMIT_ERRCODE = 45009

_URL_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>]+")
_KEY_RE = re.compile(r"(?i)\b(key|access_token|token)=([^&\s'\"<>]+)")


class WeComError(Exception):
    """A failed delivery attempt. The message never contains the webhook URL or key."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        errcode: int | None = None,
        retryable: bool = True,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.errcode = errcode
        self.retryable = retryable


@dataclass(frozen=True)
class Webhook:
    """A channel's webhook. ``repr`` and ``str`` never show the URL."""

    channel: str
    url: str

    def __repr__(self) -> str:
        return f"Webhook(channel={self.channel!r}, url='***')"

    __str__ = __repr__

    def secrets(self) -> tuple[str, ...]:
        """The strings to scrub from any text: the URL, its key and its query values."""
        out = {self.url}
        query = urllib.parse.urlsplit(self.url).query
        for _, value in urllib.parse.parse_qsl(query, keep_blank_values=False):
            if len(value) >= 4:
                out.add(value)
                out.add(urllib.parse.quote(value, safe=""))
        return tuple(s for s in out if s)


def env_names(channel: str) -> tuple[str, str]:
    """The two environment variables of a channel: (``…_URL``, ``…_KEY``)."""
    stem = ENV_PREFIX + channel.upper()
    return stem + "_URL", stem + "_KEY"


def webhook_for(channel: str, environ: Mapping[str, str] | None = None) -> Webhook | None:
    """The channel's webhook from the environment, or None when the channel is not configured."""
    env = os.environ if environ is None else environ
    url_var, key_var = env_names(channel)
    full = (env.get(url_var) or "").strip()
    if full:
        if urllib.parse.urlsplit(full).scheme not in ("http", "https"):
            raise WeComError(f"环境变量 {url_var} 不是 http(s) 地址", retryable=False)
        return Webhook(channel, full)
    key = (env.get(key_var) or "").strip()
    if key:
        return Webhook(channel, OFFICIAL_URL + urllib.parse.quote(key, safe=""))
    return None


def configured_secrets(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every webhook URL/key set in the environment (``JIXIAO_WECOM_*_URL`` / ``_KEY``), to scrub."""
    env = os.environ if environ is None else environ
    out: set[str] = set()
    for name, value in env.items():
        if name.startswith(ENV_PREFIX) and name.endswith(("_URL", "_KEY")) and value and value.strip():
            value = value.strip()
            if len(value) >= 4:
                out.add(value)
            if name.endswith("_URL"):
                out.update(Webhook("-", value).secrets())
    return tuple(out)


def scrub(text: object, secrets: Iterable[str] = ()) -> str:
    """``text`` without the given secrets, without any URL and without ``key=…`` values."""
    s = str(text)
    for secret in sorted({x for x in secrets if x}, key=len, reverse=True):
        s = s.replace(secret, "***")
    s = _URL_RE.sub("<url>", s)
    return _KEY_RE.sub(lambda m: f"{m.group(1)}=***", s)


def markdown_payload(content: str) -> bytes:
    return json.dumps({"msgtype": "markdown", "markdown": {"content": content}}, ensure_ascii=False).encode(
        "utf-8"
    )


@dataclass(frozen=True)
class PostResult:
    http_status: int
    errcode: int
    errmsg: str


def post_markdown(hook: Webhook, content: str, timeout: float) -> PostResult:
    """POST one markdown message. Returns on errcode 0; raises :class:`WeComError` otherwise.

    ``retryable`` is set for network errors, timeouts, HTTP 5xx/429, an unreadable body and any
    errcode != 0 (45009 is WeCom's rate limit). The error is raised outside the ``except`` block so
    it carries no ``__context__`` holding the URL.
    """
    secrets = hook.secrets()
    request = urllib.request.Request(
        hook.url,
        data=markdown_payload(content),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    error: WeComError | None = None
    status = 0
    body = b""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        code = exc.code
        exc.close()
        error = WeComError(f"HTTP {code}", http_status=code, retryable=code >= 500 or code == 429)
    except urllib.error.URLError as exc:
        error = WeComError(f"网络错误：{scrub(exc.reason, secrets)}")
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        error = WeComError(f"网络错误：{type(exc).__name__}: {scrub(exc, secrets)}")
    except ValueError as exc:  # a malformed URL in JIXIAO_WECOM_<CHANNEL>_URL
        error = WeComError(f"地址无效：{scrub(exc, secrets)}", retryable=False)
    if error is not None:
        raise error
    try:
        reply = json.loads(body.decode("utf-8"))
        errcode = int(reply.get("errcode", -1))
        errmsg = str(reply.get("errmsg", ""))
    except (ValueError, AttributeError, TypeError):
        raise WeComError(f"HTTP {status}，响应不是企业微信 JSON", http_status=status) from None
    if errcode != 0:
        what = "频率超限" if errcode == RATE_LIMIT_ERRCODE else "企业微信返回错误"
        raise WeComError(
            f"{what}：errcode {errcode} {scrub(errmsg, secrets)}".strip(),
            http_status=status,
            errcode=errcode,
        )
    return PostResult(status, errcode, errmsg)


def truncate_utf8(text: str, limit: int = MAX_MARKDOWN_BYTES, marker: str = "\n…（内容过长，已截断）") -> str:
    """``text`` cut so that its UTF-8 encoding fits ``limit`` bytes (marker included if cut)."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(marker.encode("utf-8"))
    cut = text.encode("utf-8")[: max(room, 0)].decode("utf-8", errors="ignore")
    return cut + marker
