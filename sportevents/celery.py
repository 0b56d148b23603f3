import logging
import os

from celery import Celery, Task
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportevents.settings")

logger = logging.getLogger(__name__)


class FallbackTask(Task):
    """A task that still runs when the broker (Redis) is down: in this process, at once, with a
    logged warning. The email goes out late by a request's length rather than never; tasks are
    idempotent, so running one here and again later would do no harm."""

    def apply_async(self, args=None, kwargs=None, **options):
        try:
            return super().apply_async(args, kwargs, **options)
        except OperationalError as error:
            logger.warning(
                "Task %s runs in this process: the broker is unreachable (%s)", self.name, error
            )
            return self.apply(args, kwargs, task_id=options.get("task_id"))


app = Celery("sportevents", task_cls=FallbackTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
