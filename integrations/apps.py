from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from integrations import signals
        from providers.models import ChangeEvent
        from providers.signals import change_events_created

        # A person's edit saves its event; a sync bulk-creates its events and says so once.
        post_save.connect(signals.on_event_saved, sender=ChangeEvent, dispatch_uid="integrations-event-saved")
        change_events_created.connect(signals.on_events_created, dispatch_uid="integrations-events-created")
