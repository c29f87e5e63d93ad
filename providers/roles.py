"""The curators' role: an "Editor" group that can curate catalog data and run syncs, but not manage users."""

from __future__ import annotations

from typing import Any

EDITOR_GROUP = "Editor"
# Apps whose every model editors may view, add, change and delete.
CURATED_APPS = ("catalog", "providers", "benchmarks")
# History and audit rows: editors may not delete them (only a superuser can, one at a time; providers/admin.py).
AUDIT_MODELS = ("price", "changeevent", "syncrun", "syncpayload")
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
    permissions = set(
        Permission.objects.filter(content_type__app_label__in=CURATED_APPS).select_related("content_type")
    )
    for app, model, actions in EXTRA_PERMISSIONS:
        permissions |= set(
            Permission.objects.filter(
                content_type__app_label=app, content_type__model=model, codename__in=[f"{a}_{model}" for a in actions]
            )
        )
    erasing = {
        permission
        for permission in permissions
        if permission.codename.startswith("delete_")
        and (permission.content_type.model in AUDIT_MODELS or permission.content_type.model.startswith("historical"))
    }
    group.permissions.add(*(permissions - erasing))
    group.permissions.remove(*erasing)
