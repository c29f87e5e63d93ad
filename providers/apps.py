from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers, routes and prices"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lib.caching import read_by_pages
        from providers.gateways import gateways_file  # importing it registers the gateways file's system check
        from providers.invalidation import on_data_change
        from providers.models import Offering, Price, Provider
        from providers.pricing.summaries import on_route_change, rebuild_after_migrate
        from providers.roles import ensure_editor_group

        # After every migrate (all apps' permissions exist by then), so a fresh database has the Editor role.
        post_migrate.connect(ensure_editor_group, dispatch_uid="providers-editor-group")
        post_migrate.connect(rebuild_after_migrate, dispatch_uid="providers-cheapest-routes")
        # Edits by people (admin, API) keep each model's cheapest route current; syncs refresh it themselves.
        for sender in (Price, Offering, Provider):
            for signal in (post_save, post_delete):
                signal.connect(on_route_change, sender=sender, dispatch_uid=f"cheapest-{sender.__name__}-{signal}")
        # Model pages read the gateways file as they render: an edit of it makes kept pages stale.
        read_by_pages(gateways_file)
        # Edits anywhere in the catalog's apps make stale the cached pages they touch (syncs say so themselves).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(on_data_change, dispatch_uid=f"catalog-cache-{signal}")
