"""The change feed's "added in bulk" entry, and one for each earlier run that added many models and routes."""

from django.db import migrations, models
from django.db.models import Count, Max

# Frozen copies of the rule as it was when this migration was written (providers.sync.run.bulk_event_fields and
# settings.CHANGE_GROUP_MIN): a migration must not change when live code or a setting does.
GROUP_MIN = 10
SOURCE_TITLES = {
    "curated": "the curated files",
    "openrouter": "OpenRouter",
    "vercel": "Vercel AI Gateway",
    "modelsdev": "models.dev",
    "litellm": "LiteLLM",
    "epoch": "Epoch AI",
    "metr": "METR",
}


def bulk_event_fields(source, models_n, routes_n):
    parts = [f"{n:,} {word}{'s' if n != 1 else ''}" for n, word in ((models_n, "model"), (routes_n, "route")) if n]
    what = " and ".join(parts)
    return {
        "kind": "bulk_added",
        "summary": f"{what} added from {SOURCE_TITLES.get(source, source)}"[:300],
        "field": "added",
        "new_value": f"{models_n} models, {routes_n} routes",
    }


def add_bulk_entries(apps, schema_editor):
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
        if run_id in done or models_n + routes_n < GROUP_MIN:
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
