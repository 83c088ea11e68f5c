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
