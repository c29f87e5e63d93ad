from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers, routes and prices"

    def ready(self) -> None:
        from providers.roles import ensure_editor_group

        # After every migrate (all apps' permissions exist by then), so a fresh database has the Editor role.
        post_migrate.connect(ensure_editor_group, dispatch_uid="providers-editor-group")
