"""Superset configuration of Jixiao (SUPERSET_CONFIG_PATH points here; `make superset` and compose).

Nothing secret is in this file:

| variable | meaning | default |
|---|---|---|
| SUPERSET_SECRET_KEY | Flask secret (signs sessions, encrypts stored DB passwords) | random, generated once into $JIXIAO_SUPERSET_HOME/.secret_key (mode 600) |
| SUPERSET_DATABASE_URI | Superset's metadata database | SQLite $JIXIAO_SUPERSET_HOME/superset.db (compose: PostgreSQL) |
| JIXIAO_SUPERSET_HOME | Superset's own files (metadata DB, key, admin.txt) | $JIXIAO_DATA_DIR/superset |
| JIXIAO_DATA_DIR | the pipeline's data folder | <repo>/data |

The warehouse Superset reads is the serving copy (服务副本, $JIXIAO_SERVING_DB), registered by
superset_assets/bootstrap.py, never the live warehouse.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def _superset_home() -> Path:
    data_dir = Path(os.environ.get("JIXIAO_DATA_DIR", _REPO / "data")).resolve()
    home = Path(os.environ.get("JIXIAO_SUPERSET_HOME", data_dir / "superset")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def _secret_key(home: Path) -> str:
    key = os.environ.get("SUPERSET_SECRET_KEY", "").strip()
    if key:
        return key
    f = home / ".secret_key"
    if f.exists():
        return f.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never world-readable, not even briefly
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key)
    return key


JIXIAO_SUPERSET_HOME = _superset_home()
SECRET_KEY = _secret_key(JIXIAO_SUPERSET_HOME)
SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_DATABASE_URI") or (
    f"sqlite:///{JIXIAO_SUPERSET_HOME / 'superset.db'}?check_same_thread=false"
)
DATA_DIR = str(JIXIAO_SUPERSET_HOME)

# Chinese first; English for the IT staff.
BABEL_DEFAULT_LOCALE = "zh"
LANGUAGES = {
    "zh": {"flag": "cn", "name": "简体中文"},
    "en": {"flag": "us", "name": "English"},
}

FEATURE_FLAGS = {
    "DASHBOARD_CROSS_FILTERS": True,
    # Dashboards carry the roles that may open them (院领导, 绩效办, 科主任, 卫健局; superset_assets/roles.yml).
    "DASHBOARD_RBAC": True,
    "ENABLE_TEMPLATE_PROCESSING": True,
}

# CSRF stays on for the browser. API clients (the tests, scripts) log in through
# /api/v1/security/login, fetch a token from /api/v1/security/csrf_token/ with the same session and
# send it as X-CSRFToken; the token does not expire while the session lives.
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None

# Number formats: the currency of d3 "$" formats is the yuan (the assets use "$,.0f" → ¥1,234).
D3_FORMAT = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["¥", ""]}

# Hospital intranet: no map tiles from the internet.
MAPBOX_API_KEY = ""
# No Celery worker in this deployment: SQL Lab runs queries synchronously, within this limit.
SQLLAB_TIMEOUT = 120
SUPERSET_WEBSERVER_TIMEOUT = 120
ROW_LIMIT = 50000
