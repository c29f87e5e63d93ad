"""docker-compose.yml describes a stack that can run: every service checked for health, started in order, with
settings the application reads. (No Docker engine here: `docker compose config` is used when it is installed.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def settings_variables() -> set[str]:
    """The variables config/settings.py and gunicorn's config file read."""
    found: set[str] = set()
    for path in ("settings.py", "gunicorn.conf.py"):
        found |= set(re.findall(r'env_[a-z_]+\(\s*"([A-Z0-9_]+)"', (ROOT / "config" / path).read_text()))
    return found


def test_it_runs_the_whole_stack(compose):
    services = compose["services"]
    assert set(services) == {"migrate", "web", "worker", "beat", "db", "redis"}
    assert services["web"]["command"] == "gunicorn -c config/gunicorn.conf.py config.wsgi:application"
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")
    assert "migrate --noinput" in services["migrate"]["command"]


def test_every_long_running_service_has_a_healthcheck_and_restarts(compose):
    for name in (*APP_SERVICES, "db", "redis"):
        service = compose["services"][name]
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name
    assert "pg_isready" in " ".join(compose["services"]["db"]["healthcheck"]["test"])
    assert compose["services"]["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "config.healthcheck", "web"]
    assert compose["services"]["migrate"]["restart"] == "no"  # one-shot


def test_the_app_waits_for_healthy_servers_and_for_migrations(compose):
    for name in APP_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
    assert set(compose["services"]["migrate"]["depends_on"]) == {"db", "redis"}
    for name in APP_SERVICES:
        assert "migrate" not in compose["services"][name]["command"], f"{name} must not race the migrations"


def test_the_app_reads_the_env_file_and_talks_to_the_stack(compose):
    for name in (*APP_SERVICES, "migrate"):
        service = compose["services"][name]
        assert service["env_file"] == [{"path": ".env", "required": False}]
        environment = service["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://catalog:catalog@db:5432/")
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert environment["REDIS_URL"].startswith("redis://redis:6379/")
        assert environment["DEBUG"] == "0"


def test_every_variable_compose_sets_is_one_the_settings_read(compose):
    known = settings_variables()
    for name in (*APP_SERVICES, "migrate"):
        assert set(compose["services"][name]["environment"]) <= known, name
    lines = (ROOT / ".env.example").read_text().splitlines()
    example = {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}
    assert example <= known  # the env file documents settings, nothing else


def test_the_image_runs_as_a_user_and_checks_its_health():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER \w+", dockerfile, re.MULTILINE)
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r"^HEALTHCHECK .*\"config.healthcheck\", \"web\"", dockerfile, re.MULTILINE)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git"} <= set(ignored)


def docker_compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode == 0


@pytest.mark.skipif(not docker_compose_available(), reason="Docker Compose is not installed")
def test_docker_compose_accepts_the_file_and_insists_on_a_secret_key(tmp_path):
    def config(**env: str) -> subprocess.CompletedProcess:
        # Another project directory: a developer's own .env must not decide the outcome.
        command = ["docker", "compose", "--file", str(COMPOSE), "--project-directory", str(tmp_path), "config"]
        return subprocess.run(
            [*command, "--quiet"],
            env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    accepted = config(SECRET_KEY="x" * 50)
    assert accepted.returncode == 0, accepted.stderr
    refused = config()
    assert refused.returncode != 0
    assert "set SECRET_KEY in .env" in refused.stderr
