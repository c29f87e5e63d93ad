"""The curators' role: an "Editor" group that can curate catalog data and run syncs, but not manage users."""

from __future__ import annotations

from typing import Any

EDITOR_GROUP = "Editor"
# Apps whose every model editors may view, add, change and delete.
CURATED_APPS = ("catalog", "providers", "benchmarks")
# What editors may do elsewhere: read and edit the sync schedule.
EXTRA_PERMISSIONS = (
    ("django_celery_beat", "periodictask", ("view", "change")),
    ("django_celery_beat", "intervalschedule", ("view", "add", "change")),
    ("django_celery_beat", "crontabschedule", ("view", "add", "change")),
)


def ensure_editor_group(**kwargs: Any) -> None:
    """post_migrate receiver: create or complete the Editor group (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    permissions = set(Permission.objects.filter(content_type__app_label__in=CURATED_APPS))
    for app, model, actions in EXTRA_PERMISSIONS:
        permissions |= set(
            Permission.objects.filter(
                content_type__app_label=app, content_type__model=model, codename__in=[f"{a}_{model}" for a in actions]
            )
        )
    group.permissions.add(*permissions)
