"""`python manage.py mcp`: the catalog's read-only MCP tools over stdio (integrations/mcp_server.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the catalog's read-only MCP tools over stdio (for an agent's MCP configuration)."

    def handle(self, *args: Any, **options: Any) -> None:
        from integrations.mcp_server import build_server

        # The tools call the API's views in process, for one local client: the per-address API limit is not for it.
        settings.API_ANON_RATE = "off"
        build_server().run("stdio")
