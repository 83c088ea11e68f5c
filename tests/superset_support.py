"""Helpers shared by the Superset tests: bootstrap.py in .venv-superset, the server, the REST client, and
the one Superset stack of a test run (conftest ``superset_stack``, used by tests/test_superset.py and
tests/test_superset_dashboards.py, one scheduling unit: conftest FILE_GROUPS)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from conftest import REPO

SUPERSET_PY = REPO / ".venv-superset" / "bin" / "python"
BOOTSTRAP = REPO / "superset_assets" / "bootstrap.py"
ASSETS = REPO / "superset_assets" / "assets"
ADMIN = ("admin", "admin-dash-pw-1")
PERIOD = "2025-12"
# Test users: name → roles (科主任 gets its department's RLS role too, see superset_stack).
USERS = {"leader": ["院领导"], "office": ["绩效办"], "bureau": ["卫健局"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bootstrap_cli(args: list[str], env: dict, stdin: str | None = None, timeout: int = 900) -> str:
    """Run `bootstrap.py ARGS` in Superset's venv; its output, or an assertion with the tail of it."""
    proc = subprocess.run([str(SUPERSET_PY), str(BOOTSTRAP), *args], env=env, cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def create_users(env: dict, users: list[dict]) -> str:
    """[{username, password, roles}] through `bootstrap.py users` (passwords on stdin); its output."""
    return bootstrap_cli(["users"], env, stdin=json.dumps(users))


@contextmanager
def superset_server(env: dict, log_path: Path, timeout: float = 180):
    """`bootstrap.py serve` on a free loopback port; yields the base URL once /health answers."""
    port = free_port()
    log = log_path.open("w")
    server = subprocess.Popen([str(SUPERSET_PY), str(BOOTSTRAP), "serve"], env={**env, "JIXIAO_SUPERSET_PORT": str(port)},
                              cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{base}/health", timeout=5).text == "OK":
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@contextmanager
def superset_stack(built, tmp: Path):
    """Superset on the serving copy that the shared pipeline run published (``built``: conftest
    ``small_built``), with the committed asset tree: bootstrapped twice (the second run proves the
    bootstrap is idempotent), users created, then served on a free loopback port.

    Superset keeps its own files (metadata, secret key) in ``tmp``; the serving copy is only read."""
    t0 = time.perf_counter()
    data = tmp / "data"
    data.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SUPERSET_", "JIXIAO_")) and k not in ("DAGSTER_HOME",)}
    env.update(JIXIAO_DATA_DIR=str(data), JIXIAO_SERVING_DB=str(built.data / "serving.duckdb"),
               JIXIAO_PSEUDONYM_SALT=os.environ["JIXIAO_PSEUDONYM_SALT"], JIXIAO_SUPERSET_ASSETS=str(ASSETS),
               JIXIAO_SUPERSET_ADMIN_USER=ADMIN[0], JIXIAO_SUPERSET_ADMIN_PASSWORD=ADMIN[1])
    assert built.returncode == 0, built.output
    assert (built.data / "serving.duckdb").is_file(), "the pipeline did not publish serving.duckdb"
    outputs = [bootstrap_cli(["bootstrap"], env) for _ in range(2)]
    t_bootstrap = time.perf_counter() - t0
    # The 科主任 test user's department: the one with the largest bonus of the period. One user through
    # the single-user command (password from the environment), the others in one batch (stdin).
    code, name = built.query("select perf_dept_code, max(perf_dept_name) from marts.fct_dept_bonus_summary "
                             "where period = ? group by 1 order by sum(dept_bonus) desc limit 1", [PERIOD])[0]
    outputs.append(bootstrap_cli(["user", "--username", "kzr", "--roles", f"科主任,科主任_{code}"],
                                 {**env, "JIXIAO_SUPERSET_USER_PASSWORD": "kzr-pw-123"}))
    outputs.append(create_users(env, [{"username": u, "password": f"{u}-pw-123", "roles": r} for u, r in USERS.items()]))
    print(f"\nSuperset: two bootstraps {t_bootstrap:.0f} s, users {time.perf_counter() - t0 - t_bootstrap:.0f} s")
    with superset_server(env, tmp / "serve.log") as base:
        admin = Client(base, *ADMIN)
        charts = admin.get("/api/v1/chart/?q=(page_size:100,columns:!(id,slice_name,viz_type,datasource_id))").json()
        yield {"base": base, "data": built.data, "home": data / "superset", "dept": (code, name),
               "admin": admin, "output": "".join(outputs), "db_id": admin.get("/api/v1/database/").json()["result"][0]["id"],
               "charts": {c["slice_name"]: c for c in charts["result"]}}


class Client:
    """Superset's REST API as one user (JWT + CSRF token)."""

    def __init__(self, base: str, username: str, password: str):
        self.base, self.s = base, requests.Session()
        r = self.s.post(f"{base}/api/v1/security/login",
                        json={"username": username, "password": password, "provider": "db"}, timeout=60)
        r.raise_for_status()
        self.s.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        token = self.s.get(f"{base}/api/v1/security/csrf_token/", timeout=60).json()["result"]
        self.s.headers.update({"X-CSRFToken": token, "Referer": base})

    def get(self, path: str) -> requests.Response:
        return self.s.get(self.base + path, timeout=120)

    def post(self, path: str, body: dict) -> requests.Response:
        return self.s.post(self.base + path, json=body, timeout=120)

    def dataset_id(self, table: str) -> int:
        return next(d["id"] for d in self.get("/api/v1/dataset/?q=(page_size:100)").json()["result"]
                    if d["table_name"] == table)

    def chart_rows(self, dataset_id: int, column: str, metric: str) -> requests.Response:
        """``column`` grouped, with one of the dataset's saved metrics (a data query as a chart sends it)."""
        return self.post("/api/v1/chart/data", {
            "datasource": {"id": dataset_id, "type": "table"},
            "queries": [{"columns": [column], "metrics": [metric], "row_limit": 100}],
            "result_format": "json", "result_type": "full"})


# ---- the browser (headless Debian chromium + chromedriver, driven by selenium) -----------------------
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# What Superset 6.1 shows instead of a chart: error alerts, the error tooltip, the empty state.
ERROR_SELECTORS = ".ant-alert-error, .alert-danger, [data-test='error-tooltip'], [data-test='empty-state'], .ant-result-error"
# …and their texts (the UI is in Chinese; English in case the locale falls back).
ERROR_TEXTS = ("意外错误", "错误：", "Data error", "此查询没有数据返回", "没有数据", "发生了一个错误", "无结果", "网络异常", "抱歉",
               "Unexpected error", "No results", "No data", "An error occurred", "Traceback")
# A chart holder counts as rendered when it holds one of these.
RENDERED = "canvas, svg, table, .superset-legacy-chart-big-number, .big_number_total"

_STATE_JS = """
const holders = [...document.querySelectorAll('.dashboard-chart')];
return {
  loading: document.querySelectorAll('.loading').length,
  charts: holders.length,
  rendered: holders.filter(h => h.querySelector(arguments[0])).length,
  errors: [...document.querySelectorAll(arguments[1])].map(e => (e.innerText || e.outerHTML).slice(0, 300)),
  texts: holders.map(h => h.innerText),
  // the page's content height: the bottom of the last chart (body grows with the viewport)
  height: Math.max(0, ...holders.map(h => h.getBoundingClientRect().bottom + window.scrollY)) + 80,
};
"""


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN",
                "--window-size=1440,1000", "--hide-scrollbars"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)


def browser_login(driver, base: str, username: str, password: str, timeout: float = 60) -> None:
    """Log in through the /login/ form."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/login/")
    wait = WebDriverWait(driver, timeout)
    wait.until(ec.presence_of_element_located((By.ID, "username"))).send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: "/login" not in d.current_url)


def _viewport(driver, width: int, height: int, mobile: bool) -> None:
    # Headless windows cannot be narrower than ~500 px: emulate the device's viewport instead.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def _settle(driver, expected: int, deadline: float) -> dict:
    """Wait until the dashboard shows `expected` charts, none loading, all rendered (or the deadline)."""
    state, calm = {}, 0
    while time.monotonic() < deadline:
        state = driver.execute_script(_STATE_JS, RENDERED, ERROR_SELECTORS)
        done = state["charts"] >= expected and state["loading"] == 0 and state["rendered"] >= state["charts"]
        calm = calm + 1 if done else 0
        if calm >= 3 or state["errors"]:  # three quiet polls in a row: echarts' animations are over
            break
        time.sleep(0.5)
    return state


def screenshot_dashboard(driver, base: str, slug: str, png: Path, expected: int, width: int = 1440,
                         mobile: bool = False, timeout: float = 120) -> dict:
    """Open a dashboard at this width, wait for its charts, save a full-page PNG; the page's state."""
    _viewport(driver, width, 1000, mobile)
    t0 = time.monotonic()
    driver.get(f"{base}/superset/dashboard/{slug}/")
    state = _settle(driver, expected, t0 + timeout)
    # Grow the viewport to the whole page (charts below the fold render only once visible), wait again.
    _viewport(driver, width, min(int(state.get("height") or 1000) + 40, 16000), mobile)
    state = _settle(driver, expected, time.monotonic() + timeout / 2)
    _viewport(driver, width, min(int(state["height"]) + 40, 16000), mobile)
    time.sleep(1)
    png.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(png))
    state["seconds"] = round(time.monotonic() - t0, 2)
    return state
