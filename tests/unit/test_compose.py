"""compose.yaml cannot be run here (no Docker engine): these tests keep it honest by reading it.

Its services, their order, the variables it gives the tracker processes (each one a variable
``tracker/settings.py`` reads) and the Celery app its worker and beat name.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest
import yaml

from tracker.settings import REPO_ROOT

TRACKER_SERVICES = ("migrate", "web", "worker", "beat")


def _compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())
    return document


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = _compose()["services"]
    return found


def settings_variables() -> set[str]:
    """The names ``tracker/settings.py`` reads with ``_env(...)`` or ``_int_env(...)``."""
    tree = ast.parse((REPO_ROOT / "tracker" / "settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"_env", "_int_env"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


SERVER_VARIABLES = {"FORWARDED_ALLOW_IPS"}
"""Read by uvicorn in ``tracker serve``, not by our settings."""


def env_example_variables() -> set[str]:
    """Every ``NAME=`` in .env.example, commented out or not."""
    text = (REPO_ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_settings_variables_are_found() -> None:
    # Given the parser above, then it finds the variables the contract names
    assert {
        "DATABASE_URL",
        "REDIS_URL",
        "SMTP_URL",
        "TRACKER_TIMEZONE",
        "SECRET_KEY",
        "TRACKER_DATA_DIR",
    } <= settings_variables()


def test_every_part_has_a_service(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {"postgres", "redis", "mailpit", *TRACKER_SERVICES}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


@pytest.mark.parametrize("name", TRACKER_SERVICES)
def test_tracker_services_set_only_variables_settings_read(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    environment = services[name]["environment"]
    assert set(environment) <= settings_variables() | SERVER_VARIABLES
    assert environment["DATABASE_URL"].startswith("postgresql://")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["SMTP_URL"] == "${SMTP_URL:-smtp://mailpit:1025}"
    assert environment["TRACKER_DATA_DIR"] == "/data"


@pytest.mark.parametrize("name", TRACKER_SERVICES)
def test_tracker_services_share_the_data_volume(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    assert "tracker-data:/data" in services[name]["volumes"]
    assert "tracker-data" in _compose()["volumes"]


def test_migrate_runs_once_postgres_is_healthy(services: dict[str, dict[str, Any]]) -> None:
    assert services["migrate"]["command"] == ["tracker", "migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"]


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_migrate_runs_before_the_app(services: dict[str, dict[str, Any]], name: str) -> None:
    depends_on = services[name]["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_workers_wait_for_their_broker(services: dict[str, dict[str, Any]], name: str) -> None:
    assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_web_does_not_need_redis(services: dict[str, dict[str, Any]]) -> None:
    """Pages and reports keep working while Redis is down (sessions are in the database)."""
    assert "redis" not in services["web"]["depends_on"]


def test_web_serves_without_migrating(services: dict[str, dict[str, Any]]) -> None:
    assert services["web"]["command"][:2] == ["tracker", "serve"]


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_worker_and_beat_name_the_celery_app(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    command = services[name]["command"]
    assert command[:4] == ["celery", "-A", "workers.celery_app", name]


def test_the_celery_app_is_json_only_and_acks_late() -> None:
    from workers.celery_app import app  # noqa: PLC0415 - imports Piccolo's configuration

    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_url == "memory://"  # REDIS_URL is unset in the tests


def test_compose_variables_are_documented_in_env_example() -> None:
    text = (REPO_ROOT / "compose.yaml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    assert interpolated
    assert interpolated <= env_example_variables()


def test_every_setting_is_documented_in_env_example() -> None:
    assert settings_variables() <= env_example_variables()


def _dockerfile() -> list[str]:
    return (REPO_ROOT / "Dockerfile").read_text().splitlines()


def test_dockerfile_runs_as_a_user_of_its_own() -> None:
    lines = _dockerfile()
    assert "FROM python:3.11-slim" in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}


def test_dockerfile_copies_paths_that_exist(services: dict[str, dict[str, Any]]) -> None:
    assert {services[name]["build"] for name in TRACKER_SERVICES} == {"."}
    copied = [line.split()[1:-1] for line in _dockerfile() if line.startswith("COPY ")]
    assert copied
    for sources in copied:
        for source in sources:
            assert (REPO_ROOT / source).exists(), source
