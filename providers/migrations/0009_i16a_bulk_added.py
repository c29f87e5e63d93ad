"""The change feed's "added in bulk" entry, and one for each earlier run that added many models and routes."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Max


def add_bulk_entries(apps, schema_editor):
    from providers.sync.run import bulk_event_fields

    ChangeEvent = apps.get_model("providers", "ChangeEvent")
    SyncRun = apps.get_model("providers", "SyncRun")
    added = (
        ChangeEvent.objects.filter(kind__in=["model_added", "offering_added"], sync_run__isnull=False)
        .values("sync_run", "kind")
        .annotate(n=Count("id"))
    )
    per_run: dict[int, dict[str, int]] = {}
    for row in added:
        per_run.setdefault(row["sync_run"], {})[row["kind"]] = row["n"]
    done = set(ChangeEvent.objects.filter(kind="bulk_added").values_list("sync_run", flat=True))
    for run_id, counts in per_run.items():
        models_n, routes_n = counts.get("model_added", 0), counts.get("offering_added", 0)
        if run_id in done or models_n + routes_n < settings.CHANGE_GROUP_MIN:
            continue
        run = SyncRun.objects.get(pk=run_id)
        moment = ChangeEvent.objects.filter(sync_run_id=run_id).aggregate(at=Max("occurred_at"))["at"]
        ChangeEvent.objects.create(
            **bulk_event_fields(run.source, models_n, routes_n), sync_run_id=run_id, occurred_at=moment
        )


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0008_sync_run_error_kind"),
    ]

    operations = [
        migrations.AlterField(
            model_name="changeevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("model_added", "New model"),
                    ("model_changed", "Model changed"),
                    ("alias_added", "Alias added"),
                    ("offering_added", "New route"),
                    ("offering_changed", "Route changed"),
                    ("price_added", "New price"),
                    ("price_changed", "Price changed"),
                    ("price_removed", "Price removed"),
                    ("score_added", "New score"),
                    ("score_changed", "Score changed"),
                    ("bulk_added", "Added in bulk"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(add_bulk_entries, migrations.RunPython.noop),
    ]
