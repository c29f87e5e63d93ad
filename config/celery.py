import os
from contextvars import Token
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

from lib.logs import bind_log_context, unbind_log_context

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task's log lines carry its name and id (a sync's also carry its source and run id, bound by the service).
_task_context: dict[str, Token] = {}


@task_prerun.connect
def _bind_task(task_id: str, task: Any, **kwargs: Any) -> None:
    _task_context[task_id] = bind_log_context(task=task.name, task_id=task_id)


@task_postrun.connect
def _unbind_task(task_id: str, **kwargs: Any) -> None:
    token = _task_context.pop(task_id, None)
    if token is not None:
        unbind_log_context(token)
