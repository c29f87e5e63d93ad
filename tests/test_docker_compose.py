from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def test_compose_file_names_the_services_production_needs():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")


def test_the_database_has_a_healthcheck_and_a_volume():
    compose = yaml.safe_load(COMPOSE.read_text())
    db = compose["services"]["db"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert db["volumes"][0].split(":")[0] in compose["volumes"]
    # The app services wait for a healthy database and talk to the real broker.
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://redis")
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
