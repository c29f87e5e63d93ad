"""What the integrations' tests share: the 3-model fixture catalog and the project's own curated catalog."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT


@pytest.fixture
def catalog(load_fixture_catalog):
    """The 3-model fixture catalog (tests/fixtures/curated), written by the real sync."""
    return load_fixture_catalog()


@pytest.fixture
def real_catalog(load_fixture_catalog):
    """The project's own curated catalog (data/curated): tiers, cache writes, batch, flex and priority prices."""
    return load_fixture_catalog(ROOT / "data" / "curated")
