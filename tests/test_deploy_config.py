"""docker-compose.yml is a deployment artefact: it must parse and be internally consistent."""

from __future__ import annotations

import re

import yaml

from conftest import REPO

COMPOSE = REPO / "docker-compose.yml"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_services_and_images_pinned():
    c = _compose()
    assert set(c["services"]) == {"postgres", "dagster-webserver", "dagster-daemon", "superset"}
    for name, svc in c["services"].items():
        image = svc.get("image", "")
        assert image and ":" in image and not image.endswith(":latest"), f"{name}: image must be pinned"
        for dep in svc.get("depends_on", {}):
            assert dep in c["services"], f"{name} depends on unknown service {dep}"
        for vol in svc.get("volumes", []):
            src = vol.split(":")[0]
            if not src.startswith((".", "/")):
                assert src in c["volumes"], f"{name}: undeclared volume {src}"
            else:
                assert (REPO / src).exists(), f"{name}: missing file {src}"
        for port in svc.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name}: publish on loopback only"
    assert c["services"]["dagster-webserver"]["build"]["dockerfile"] == "orchestration/deploy/Dockerfile"
    assert (REPO / "orchestration/deploy/Dockerfile").exists()


def test_every_variable_is_documented_and_no_secret_is_inline():
    text = COMPOSE.read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    documented = {
        line.split("=", 1)[0]
        for line in (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    assert used <= documented, f"undocumented: {used - documented}"
    for var in ("POSTGRES_PASSWORD", "SUPERSET_SECRET_KEY", "JIXIAO_PSEUDONYM_SALT"):
        assert f"${{{var}:?" in text, f"{var} must be required, not defaulted"
    # Dagster's instance config reads the same env names the compose file sets.
    dagster_yaml = (REPO / "orchestration/deploy/dagster.yaml").read_text(encoding="utf-8")
    env_names = set(re.findall(r"env: ([A-Z_]+)", dagster_yaml))
    anchor = _compose()["x-jixiao-env"]
    assert env_names <= set(anchor), env_names - set(anchor)


def test_dagster_commands_point_at_the_definitions_module():
    c = _compose()
    for name in ("dagster-webserver", "dagster-daemon"):
        cmd = c["services"][name]["command"]
        assert cmd[cmd.index("-m") + 1] == "orchestration.definitions"


def test_superset_service_uses_the_repo_config_assets_and_serving_copy():
    """The compose Superset runs the same config, bootstrap, roles and assets as `make superset`."""
    c = _compose()
    svc = c["services"]["superset"]
    assert svc["image"].endswith(":6.1.0")
    dockerfile = REPO / svc["build"]["dockerfile"]
    text = dockerfile.read_text(encoding="utf-8")
    assert re.search(r"^FROM apache/superset:6\.1\.0$", text, re.M), "pinned official Superset 6.1.0"
    # The DuckDB that reads the serving copy is the pipeline's DuckDB.
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    duckdb = re.search(r"^duckdb==(\S+)", lock, re.M).group(1)
    assert f"duckdb=={duckdb}" in text
    superset_reqs = (REPO / "superset_assets/requirements-superset.txt").read_text(encoding="utf-8")
    assert f"\nduckdb=={duckdb}\n" in superset_reqs
    assert "\napache-superset==6.1.0\n" in superset_reqs
    for pin in re.findall(r"(duckdb-engine==\S+|cachetools==\S+)", text):
        assert f"\n{pin}\n" in superset_reqs, pin

    env = svc["environment"]
    mount = next(v for v in svc["volumes"] if v.startswith("./superset_assets:"))
    target = mount.split(":")[1]
    assert mount.endswith(":ro")
    assert env["SUPERSET_CONFIG_PATH"] == f"{target}/superset_config.py"
    assert (REPO / "superset_assets/superset_config.py").exists()
    # Metadata on the compose PostgreSQL (database created by init-databases.sql), not SQLite.
    assert env["SUPERSET_DATABASE_URI"].startswith("postgresql+psycopg2://")
    assert env["SUPERSET_DATABASE_URI"].endswith("@postgres:5432/superset")
    assert "CREATE DATABASE superset" in (REPO / "orchestration/deploy/init-databases.sql").read_text("utf-8")
    assert "postgres" in svc["depends_on"]
    # The serving copy comes read-only from the pipeline's volume, at the path the pipeline writes.
    assert "jixiao-data:/opt/jixiao/data:ro" in svc["volumes"]
    assert env["JIXIAO_SERVING_DB"] == c["x-jixiao-env"]["JIXIAO_SERVING_DB"] == "/opt/jixiao/data/serving.duckdb"
    # Bootstrap (roles, RLS, assets) before the server; loopback-only port.
    cmd = " ".join(svc["command"])
    assert f"{target}/bootstrap.py bootstrap" in cmd and "run-server.sh" in cmd
    assert svc["ports"] == ["127.0.0.1:8088:8088"]
    for secret in ("SUPERSET_SECRET_KEY", "JIXIAO_SUPERSET_ADMIN_PASSWORD"):
        assert env[secret].startswith(f"${{{secret}:?"), f"{secret} must be required"


def _pins(lock: str) -> dict[str, str]:
    pins = {}
    for line in (REPO / lock).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_the_image_installs_runtime_dependencies_only():
    """The pipeline image installs requirements.lock: the runtime pins of pyproject.toml, no test tools;
    requirements-test.lock adds the test extra with the very same runtime versions."""
    assert "-r requirements.lock" in (REPO / "orchestration" / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    runtime, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    for tool in ("pytest", "pytest-xdist", "hypothesis", "selenium", "ruff", "psutil", "rapidfuzz"):
        assert tool not in runtime, tool
    for tool in ("pytest", "pytest-xdist", "filelock", "hypothesis", "selenium", "requests", "ruff"):
        assert tool in test, tool
    assert {k: test.get(k) for k in runtime} == runtime
    for dep in ("great-expectations", "dbt-core", "dagster", "duckdb"):
        assert dep in runtime, dep
