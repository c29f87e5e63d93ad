"""The admin site: Django's, with the curators' review queues counted on its index page and an operations page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path

# Admin forms read a URL without a scheme as https (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class CatalogAdminSite(admin.AdminSite):
    site_header = "LLM Catalog curation"
    site_title = "LLM Catalog admin"
    index_title = "Curate the catalog"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from providers.selectors import review_queue_counts

        context = {"review_queues": review_queue_counts(), **(extra_context or {})}
        return super().index(request, extra_context=context)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return [path("operations/", self.admin_view(self.operations), name="operations"), *super().get_urls()]

    def operations(self, request: HttpRequest) -> HttpResponse:
        """For whoever runs the site: is every source syncing, how old are the prices, how long are the queues."""
        from providers.sync.health import operations_overview

        context = {**self.each_context(request), "title": "Operations", **operations_overview()}
        return TemplateResponse(request, "admin/operations.html", context)


class CatalogAdminConfig(AdminConfig):
    default_site = "config.admin.CatalogAdminSite"
