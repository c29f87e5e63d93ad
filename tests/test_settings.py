"""Settings come only from the environment, and a malformed value stops start-up naming the variable."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_int, env_list, env_optional_database, env_url

ROOT = Path(__file__).resolve().parent.parent


def start_django(*, show: str = "", **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "DATABASE_REPLICA_URL",
            "CELERY_BROKER_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
        }
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)"
            + (f"; print({show})" if show else ""),
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_defaults_need_no_servers():
    result = start_django()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_a_broker_url_turns_off_in_process_tasks():
    result = start_django(
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://localhost/db"),
        ("DATABASE_URL", "not a url"),
        ("DATABASE_REPLICA_URL", "mysql://replica.example/db"),
        ("DATABASE_REPLICA_URL", "postgres://replica.example:5432/"),
        ("CELERY_BROKER_URL", "localhost:6379"),
        ("REDIS_URL", "http://localhost:6379"),
        ("DEBUG", "maybe"),
        ("PRICE_STALE_DAYS", "ninety"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(variable, value):
    result = start_django(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


REPLICA_SETTINGS = (
    "settings.DATABASE_ROUTERS, settings.DATABASES['replica']['HOST'], settings.DATABASES['replica']['NAME'], "
    "settings.DATABASES['replica']['TEST']['MIRROR']"
)


def test_a_replica_url_adds_the_replica_and_its_router():
    result = start_django(
        show=REPLICA_SETTINGS,
        DATABASE_URL="postgres://catalog@primary.example:5432/catalog",
        DATABASE_REPLICA_URL="postgres://catalog@replica.example:5432/catalog",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "['lib.db_router.ReplicaRouter'] replica.example catalog default"


def test_without_a_replica_the_alias_names_the_primary_and_nothing_routes_to_it():
    result = start_django(show=REPLICA_SETTINGS, DATABASE_URL="postgres://catalog@primary.example:5432/catalog")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "[] primary.example catalog default"


def test_the_replica_must_be_the_same_kind_of_database():
    result = start_django(DATABASE_REPLICA_URL="postgres://catalog@replica.example:5432/catalog")  # primary: SQLite
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must be the same kind of database as DATABASE_URL" in result.stderr


def test_production_requires_a_secret_key():
    result = start_django(DEBUG="0", ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert start_django(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.com").returncode == 0


def test_the_readers(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", default=False) is True
    monkeypatch.setenv("HOSTS", " a.example, b.example ,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("DAYS", "0")
    with pytest.raises(ImproperlyConfigured, match="DAYS must be at least 1"):
        env_int("DAYS", 5, minimum=1)
    assert env_url("UNSET_URL", "", schemes=("redis",)) == ""
    monkeypatch.setenv("DB", "postgres://user@db.example:5432/catalog")
    assert env_database("DB", "sqlite:///x")["NAME"] == "catalog"
    monkeypatch.setenv("DB", "postgres://user@db.example:5432/")
    with pytest.raises(ImproperlyConfigured, match="DB must name a database"):
        env_database("DB", "sqlite:///x")
    monkeypatch.setenv("REPLICA", "")
    assert env_optional_database("REPLICA") is None
    monkeypatch.setenv("REPLICA", "postgres://user@replica.example:5432/catalog")
    assert env_optional_database("REPLICA")["HOST"] == "replica.example"


def test_every_setting_read_from_the_environment_is_documented():
    """A new variable in config/settings.py needs its README row and its .env.example line."""

    read_env = re.compile(r'env_[a-z_]+\(\s*"([A-Z0-9_]+)"')
    names = set(read_env.findall((ROOT / "config" / "settings.py").read_text()))
    assert len(names) > 20
    # .env.example also lists gunicorn's own variables (config/gunicorn.conf.py)
    read = names | set(read_env.findall((ROOT / "config" / "gunicorn.conf.py").read_text()))
    readme = (ROOT / "README.md").read_text()
    lines = (ROOT / ".env.example").read_text().splitlines()
    example = {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}
    assert sorted(name for name in names if f"`{name}`" not in readme) == []
    assert sorted(names - example) == []
    assert sorted(example - read) == []  # no stale line advertises a setting that no longer exists
