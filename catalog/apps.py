from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from lib.postgres import tune_session

        connection_created.connect(tune_session, dispatch_uid="postgres-session-settings")
