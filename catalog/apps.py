from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from lib.caching import on_data_change
        from lib.postgres import tune_session

        connection_created.connect(tune_session, dispatch_uid="postgres-session-settings")

        # Admin edits anywhere in the catalog's apps invalidate cached pages (syncs bump explicitly).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(on_data_change, dispatch_uid=f"catalog-cache-{signal}")
