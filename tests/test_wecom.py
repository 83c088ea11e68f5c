"""WeCom notifications (企业微信通知): routing, content, retries, dedupe, secret masking and the hooks,
against a local HTTP server on 127.0.0.1 that records what it receives."""

from __future__ import annotations

import json
import logging
import socket
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from connectors import notifiers
from connectors.notifiers import delivery, routing, wecom

SECRET = "SECRETKEY-abc123"
P = "2025-12"


# ----------------------------------------------------------------------------------- local server
@dataclass
class FakeWeCom:
    """Records (channel, payload) per request; replies from ``script`` (status, body), then 200/errcode 0."""

    port: int = 0
    requests: list[tuple[str, dict]] = field(default_factory=list)
    script: list[tuple[int, dict]] = field(default_factory=list)

    def url(self, channel: str) -> str:
        return f"http://127.0.0.1:{self.port}/{channel}/cgi-bin/webhook/send?key={SECRET}"

    def payloads(self, channel: str) -> list[dict]:
        return [p for c, p in self.requests if c == channel]


@pytest.fixture
def server() -> Iterator[FakeWeCom]:
    fake = FakeWeCom()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                fake.requests.append((self.path.split("/")[1], json.loads(body.decode("utf-8"))))
                status, reply = fake.script.pop(0) if fake.script else (200, {"errcode": 0, "errmsg": "ok"})
            data = json.dumps(reply).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # the request line holds the key: stay silent
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(tmp_path: Path, monkeypatch) -> Path:
    """A data dir, no WeCom or proxy settings from the machine, a routing file with tiny delays and
    department D0102 on its own channel. Returns the alerts dir."""
    import os

    for name in list(os.environ):
        if name.startswith("JIXIAO_WECOM_") or name.lower() in ("http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    raw = yaml.safe_load(routing.DEFAULT_ROUTING.read_text(encoding="utf-8"))
    raw["channels"]["dept_d0102"] = "针灸科主任群"
    raw["departments"]["channels"] = {"D0102": "dept_d0102"}
    raw["delivery"] = {"attempts": 3, "base_delay_seconds": 0.01, "timeout_seconds": 3}
    path = tmp_path / "routing.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("JIXIAO_WECOM_ROUTING", str(path))
    return tmp_path / "data" / "alerts"


def _log(alerts: Path) -> list[dict]:
    f = alerts / delivery.LOG_FILE
    return [json.loads(x) for x in f.read_text(encoding="utf-8").splitlines()] if f.exists() else []


def _configure(monkeypatch, server: FakeWeCom, *channels: str) -> None:
    for c in channels:
        monkeypatch.setenv(f"JIXIAO_WECOM_{c.upper()}_URL", server.url(c))


# ----------------------------------------------------------------------------------- routing file
def test_shipped_routing_is_valid_and_bad_files_are_refused(tmp_path: Path):
    r = routing.load_routing(routing.DEFAULT_ROUTING)
    assert r.channels_for("source") == ("it",)
    assert r.channels_for("quality") == r.channels_for("mapping") == ("perf_office",)
    assert r.channels_for("department", "D0102") == ("dept_heads",)
    assert (r.dedupe_window_minutes, r.retry.attempts, r.retry.base_delay_seconds) == (60, 3, 1)

    good = yaml.safe_load(routing.DEFAULT_ROUTING.read_text(encoding="utf-8"))

    def bad(mutate) -> str:
        raw = yaml.safe_load(yaml.safe_dump(good))
        mutate(raw)
        with pytest.raises(routing.RoutingError) as exc:
            routing.parse_routing(raw, "x.yml")
        return str(exc.value)

    assert "未知的通知级别「billing」" in bad(lambda r: r["tiers"].update(billing=["it"]))
    assert "未在 channels 中声明的频道「pager」" in bad(lambda r: r["tiers"].update(source=["pager"]))
    assert "缺少通知级别「quality」" in bad(lambda r: r["tiers"].pop("quality"))
    assert "通知级别「mapping」（收费项目对照）没有配置频道" in bad(lambda r: r["tiers"].update(mapping=[]))
    assert "departments.default" in bad(lambda r: r["departments"].pop("default"))
    assert "频道「dept_x」" in bad(lambda r: r["departments"].update(channels={"D01": "dept_x"}))
    assert "未知的配置项 retries" in bad(lambda r: r.update(retries=2))
    assert "delivery.attempts 不能小于 1" in bad(lambda r: r["delivery"].update(attempts=0))
    f = tmp_path / "broken.yml"
    f.write_text("tiers: [", encoding="utf-8")
    with pytest.raises(routing.RoutingError, match="不是有效的 YAML"):
        routing.load_routing(f)
    with pytest.raises(routing.RoutingError, match="未知的通知级别"):
        r.channels_for("billing")


# ----------------------------------------------------------------------------------- content
def test_message_builders_write_chinese_markdown():
    q = notifiers.notice_quality_failure(
        P, "dq_charge_rows", "completeness", "error", 812, "≥ 1000", "stg_his__charges"
    )
    md = q.markdown()
    assert q.tier == "quality" and q.severity == "critical" and q.dedupe_key == f"quality:{P}:dq_charge_rows"
    assert md.startswith(f"### {P} 数据质量检查未通过：dq_charge_rows")
    for text in ("【严重】", "> 实际值：812", "> 阈值：≥ 1000", "`stg_his__charges`", "> 类别：completeness"):
        assert text in md
    assert notifiers.notice_quality_failure(P, "m1", "mapping", "warn", 3, 0, None).tier == "mapping"

    assert (
        notifiers.run_failure_tier("extract_his", "psycopg.OperationalError: connection refused")
        == "connection"
    )
    assert notifiers.run_failure_tier("extract_hr", "表 EMP 不存在") == "source"
    assert notifiers.run_failure_tier("stg_his__charges", "connection refused") == "pipeline"
    rf = notifiers.notice_run_failure(
        "nightly_refresh", "run-123", "extract_his", "login failed: pwd=hunter2;"
    )
    assert rf.tier == "connection" and rf.title == "源库连接失败：nightly_refresh"
    assert "hunter2" not in rf.markdown() and "pwd=***" in rf.markdown()

    calc = notifiers.notice_bonus_calculated(P, Decimal("1234567.5"), 2)
    assert "1,234,567.50 元" in calc.markdown() and "2 条" in calc.markdown() and calc.severity == "warning"
    assert f"{P} 奖金已关账发放" in notifiers.notice_bonus_issued(P, "ab" * 32).markdown()
    ro = notifiers.notice_bonus_reopened(P, "护理组夜班数据更正", "王五").markdown()
    assert "已发放 → 草稿" in ro and "护理组夜班数据更正" in ro and "王五" in ro
    w = notifiers.notice_dept_bonus_warning(P, "D0102", "mom_change", "环比 +35% <b>")
    assert w.tier == "department" and w.dept_code == "D0102" and "＜b＞" in w.markdown()

    long = notifiers.Notice("pipeline", "很长", tuple(f"> 第 {i} 行" + "字" * 100 for i in range(100)))
    assert len(long.markdown().encode("utf-8")) <= wecom.MAX_MARKDOWN_BYTES
    assert long.markdown().endswith("（内容过长，已截断）")
    with pytest.raises(ValueError, match="未知的通知级别"):
        notifiers.Notice("billing", "x")


def test_content_and_routing(env: Path, server: FakeWeCom, monkeypatch):
    _configure(monkeypatch, server, "it", "perf_office", "dept_d0102", "dept_heads")

    r = notifiers.notify(notifiers.notice_dept_bonus_warning(P, "D0102", "mom_change", "环比 +35%"))
    assert (r.status, r.channels) == ("sent", ("dept_d0102",))
    (payload,) = server.payloads("dept_d0102")
    assert payload["msgtype"] == "markdown"
    content = payload["markdown"]["content"]
    assert content.startswith(f"### {P} 科室奖金预警：D0102") and "> 预警规则：mom_change" in content

    other = notifiers.notify(notifiers.notice_dept_bonus_warning(P, "D9999", "mom_change", "x"))
    assert other.channels == ("dept_heads",) and len(server.payloads("dept_heads")) == 1

    q = notifiers.notify(notifiers.notice_quality_failure(P, "dq1", "completeness", "warn", 1, 2, "t"))
    assert q.channels == ("perf_office",)
    assert "数据质量检查未通过：dq1" in server.payloads("perf_office")[0]["markdown"]["content"]

    s = notifiers.notify(notifiers.notice_run_failure("nightly_refresh", "r1", "extract_hr", "表 EMP 不存在"))
    assert (s.tier, s.channels, s.status) == ("source", ("it",), "sent")
    assert "数据抽取失败：nightly_refresh" in server.payloads("it")[0]["markdown"]["content"]

    # connection failures go to it and bureau; bureau has no webhook → skipped, overall still sent
    c = notifiers.notify(
        notifiers.notice_run_failure("nightly_refresh", "r2", "extract_his", "connection refused")
    )
    assert c.channels == ("it", "bureau") and c.status == "sent"
    assert c.for_channel("bureau").status == "skipped"
    assert {x["channel"]: x["status"] for x in _log(env) if x["tier"] == "connection"} == {
        "it": "sent",
        "bureau": "skipped",
    }


# ----------------------------------------------------------------------------------- retries
def test_retry_after_http_500(env: Path, server: FakeWeCom, monkeypatch):
    _configure(monkeypatch, server, "perf_office")
    server.script = [(500, {"error": "busy"})]
    r = notifiers.notify(notifiers.notice_bonus_issued(P, "c0ffee"))
    assert (r.status, r.attempts) == ("sent", 2) and len(server.requests) == 2
    log = _log(env)
    assert [(x["status"], x["attempts"], x["http_status"]) for x in log] == [
        ("retried", 1, 500),
        ("sent", 2, 200),
    ]
    assert log[0]["error"] == "HTTP 500" and log[0]["retry_in_seconds"] == pytest.approx(0.01)


def test_retry_after_rate_limit_errcode(env: Path, server: FakeWeCom, monkeypatch):
    _configure(monkeypatch, server, "perf_office")
    server.script = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    r = notifiers.notify(notifiers.notice_bonus_issued(P, "c0ffee"))
    assert (r.status, r.attempts) == ("sent", 2)
    retried, sent = _log(env)
    assert (retried["status"], retried["errcode"], sent["status"], sent["errcode"]) == (
        "retried",
        45009,
        "sent",
        0,
    )
    assert "频率超限" in retried["error"]


def test_failed_delivery_is_not_suppressed_later(env: Path, server: FakeWeCom, monkeypatch):
    _configure(monkeypatch, server, "perf_office")
    server.script = [(502, {})] * 3
    n = notifiers.notice_bonus_issued(P, "c0ffee")
    r = notifiers.notify(n)
    assert (r.status, r.attempts, r.ok) == ("failed", 3, False)
    assert [x["status"] for x in _log(env)] == ["retried", "retried", "failed"]
    assert notifiers.notify(n).status == "sent"  # the failed claim was released
    assert len(server.requests) == 4


# ----------------------------------------------------------------------------------- dedupe, skip
def test_duplicate_suppressed_within_the_window(env: Path, server: FakeWeCom, monkeypatch):
    _configure(monkeypatch, server, "perf_office")
    n = notifiers.notice_quality_failure(P, "dq1", "completeness", "warn", 1, 2, "t")
    assert notifiers.notify(n).status == "sent"
    again = notifiers.notice_quality_failure(P, "dq1", "completeness", "warn", 5, 2, "t")  # same problem
    assert notifiers.notify(again).status == "suppressed"
    assert len(server.requests) == 1
    assert [x["status"] for x in _log(env)] == ["sent", "suppressed"]
    assert (env / delivery.STATE_FILE).exists()  # shared by all processes

    import time

    later = notifiers.Notifier(clock=lambda: time.time() + 61 * 60)
    assert later.notify(again).status == "sent" and len(server.requests) == 2


def test_channel_without_webhook_is_skipped(env: Path, server: FakeWeCom):
    r = notifiers.notify(notifiers.notice_bonus_reopened(P, "更正", "王五"))
    assert (r.status, r.channels, r.attempts) == ("skipped", ("perf_office",), 0)
    (entry,) = _log(env)
    assert entry["status"] == "skipped" and entry["title"] == f"{P} 奖金期间已重新开放"
    assert set(entry) >= {"at", "tier", "channel", "dedupe_key", "http_status", "attempts", "severity"}
    assert server.requests == []


# ----------------------------------------------------------------------------------- secrets
def test_the_key_never_appears(env: Path, server: FakeWeCom, monkeypatch, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    closed = _closed_port()

    # connection refused, key in the URL query
    monkeypatch.setenv("JIXIAO_WECOM_PERF_OFFICE_URL", f"http://127.0.0.1:{closed}/send?key={SECRET}")
    r = notifiers.notify(notifiers.notice_bonus_issued(P, "c0ffee"))
    assert (r.status, r.attempts) == ("failed", 3)
    assert "网络错误" in r.deliveries[0].error

    # the robot key variant (official URL pointed at the closed port) and an HTTP error with the key
    monkeypatch.setattr(wecom, "OFFICIAL_URL", f"http://127.0.0.1:{closed}/cgi-bin/webhook/send?key=")
    monkeypatch.setenv("JIXIAO_WECOM_IT_KEY", SECRET)
    assert notifiers.notify(notifiers.notice_run_failure("j", "r", "extract_hr", "x")).status == "failed"
    _configure(monkeypatch, server, "dept_heads")
    server.script = [(500, {})] * 3
    assert notifiers.notify(notifiers.notice_dept_bonus_warning(P, "D01", "r", "d")).status == "failed"
    # a message that quotes the key (e.g. in an error text) is scrubbed before it is sent or logged
    server.script = []
    leaky = notifiers.notice_run_failure("j", "r2", "stg_x", f"bad webhook {SECRET}")
    monkeypatch.setenv("JIXIAO_WECOM_PERF_OFFICE_URL", server.url("perf_office"))
    assert notifiers.notify(leaky).status == "sent"
    assert SECRET not in json.dumps(server.payloads("perf_office"), ensure_ascii=False)

    # the transport's own exception: no key in message, repr, chained exceptions or traceback
    hook = wecom.webhook_for(
        "perf_office", {"JIXIAO_WECOM_PERF_OFFICE_URL": f"http://127.0.0.1:{closed}/s?key={SECRET}"}
    )
    assert SECRET not in repr(hook) and SECRET not in str(hook)
    with pytest.raises(wecom.WeComError) as exc:
        wecom.post_markdown(hook, "x", timeout=2)
    err = exc.value
    assert err.__cause__ is None and err.__context__ is None
    assert SECRET not in "".join(traceback.format_exception(err)) + repr(err) + str(err.args)
    official = wecom.webhook_for("it", {"JIXIAO_WECOM_IT_KEY": SECRET})
    assert official.url.endswith(f"key={SECRET}") and SECRET not in repr(official)

    log_text = (env / delivery.LOG_FILE).read_text(encoding="utf-8")
    assert log_text.count('"status": "failed"') == 3
    assert SECRET not in log_text and "127.0.0.1:" not in log_text
    out, errout = capfd.readouterr()
    assert SECRET not in out + errout + caplog.text
    assert "企业微信通知发送失败" in caplog.text


# ----------------------------------------------------------------------------------- hooks
@pytest.fixture
def cli(tmp_path: Path, env: Path, monkeypatch):
    """``jixiao`` with the bonus_period functions stubbed: no warehouse, no pipeline."""
    import os

    from typer.testing import CliRunner

    from orchestration import bonus_period as bp
    from orchestration.cli import app

    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(tmp_path / "wh.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("DBT_PROFILES_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))
    monkeypatch.setattr(bp, "check_can_run", lambda path, period: "draft")
    monkeypatch.setattr(bp, "run_bonus_pipeline", lambda period: bp.PipelineOutcome(True, 1.0, "run-1"))
    monkeypatch.setattr(bp, "mark_calculated", lambda *a, **k: bp.Transition(P, "draft", "calculated"))
    pool = [
        bp.PoolLine(P, g, Decimal("100000.00"), b, Decimal(1), Decimal(1), b, Decimal(0))
        for g, b in (("doctor", Decimal("60000.00")), ("nurse", Decimal("40000.00")))
    ]
    monkeypatch.setattr(bp, "pool_summary", lambda path, period: (pool, 1))
    monkeypatch.setattr(
        bp,
        "close_period",
        lambda path, period, by: bp.CloseResult("arch-1", P, "ab" * 32, {"t": "h"}, {"t": 3}),
    )
    monkeypatch.setattr(
        bp, "reopen_period", lambda path, period, reason, by: bp.Transition(P, "issued", "draft")
    )
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_bonus_cli_hooks_notify_and_never_fail(cli, monkeypatch, server: FakeWeCom):
    sent: list[notifiers.Notice] = []
    real_notify = notifiers.notify

    def recording(event):
        sent.append(event)
        return real_notify(event)

    monkeypatch.setattr(notifiers, "notify", recording)
    _configure(monkeypatch, server, "perf_office")
    res = cli("bonus", "run", "--period", P, "--by", "张三")
    assert res.exit_code == 0, res.output
    assert cli("close", "--period", P, "--by", "王五").exit_code == 0
    res = cli("reopen", "--period", P, "--reason", "护理组夜班数据更正", "--by", "王五")
    assert res.exit_code == 0, res.output
    assert [n.title for n in sent] == [f"{P} 奖金已核算", f"{P} 奖金已关账发放", f"{P} 奖金期间已重新开放"]
    contents = [p["markdown"]["content"] for p in server.payloads("perf_office")]
    assert "> 奖金池：100,000.00 元" in contents[0] and "> 预警：1 条" in contents[0]
    assert "ab" * 32 in contents[1] and "> 原因：护理组夜班数据更正" in contents[2]

    def broken(event):
        raise RuntimeError(f"boom at http://127.0.0.1/send?key={SECRET}")

    monkeypatch.setattr(notifiers, "notify", broken)
    for args in (("bonus", "run", "--period", P), ("close", "--period", P, "--by", "王五")):
        res = cli(*args)
        assert res.exit_code == 0, res.output
        assert "企业微信通知未能发送：RuntimeError" in res.output and "命令本身已完成" in res.output
        assert SECRET not in res.output

    server.script = [(500, {})] * 3
    monkeypatch.setattr(notifiers, "notify", real_notify)
    res = cli("reopen", "--period", P, "--reason", "再次更正", "--by", "王五")
    assert res.exit_code == 0 and "企业微信通知发送失败" in res.output


def test_run_failure_sensor_notifies(env: Path, monkeypatch):
    import dagster as dg

    from orchestration.defs.schedules.definitions import run_failure_recorder

    @dg.op
    def extract_his():
        raise RuntimeError("connection refused by 10.0.0.5:5432")

    @dg.job
    def nightly():
        extract_his()

    instance = dg.DagsterInstance.ephemeral()
    result = nightly.execute_in_process(instance=instance, raise_on_error=False)
    run = instance.get_run_by_id(result.run_id)
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    ctx = dg.build_run_status_sensor_context(
        sensor_name="run_failure_recorder", dagster_instance=instance, dagster_run=run, dagster_event=failure
    ).for_run_failure()

    sent: list[notifiers.Notice] = []
    monkeypatch.setattr(notifiers, "notify", lambda event: sent.append(event) or None)
    run_failure_recorder(ctx)  # a notify returning junk does not break the sensor
    (n,) = sent
    assert (n.tier, n.dedupe_key) == ("connection", "run_failure:nightly:extract_his")
    assert "connection refused" in n.markdown() and result.run_id in n.markdown()

    monkeypatch.setattr(notifiers, "notify", lambda event: 1 / 0)
    run_failure_recorder(ctx)  # still records the failure line
    assert len((env.parent / "alerts" / "run_failures.jsonl").read_text(encoding="utf-8").splitlines()) == 2
