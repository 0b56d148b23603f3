import logging
import os

from celery import Celery, Task
from celery.signals import before_task_publish, task_postrun, task_prerun
from kombu.exceptions import OperationalError

from sportevents.logs import bind_request_id, current_request_id, unbind_request_id

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
app.config_from_object("sportevents.celeryconfig:CONFIG")
app.autodiscover_tasks()


# The request id travels with each task, so the worker's records name the request that queued it.
REQUEST_ID_HEADER = "request_id"
_bound_request_ids = {}


@before_task_publish.connect
def _send_request_id(headers=None, **kwargs):
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@task_prerun.connect
def _bind_request_id(task_id=None, task=None, **kwargs):
    request_id = task.request.get(REQUEST_ID_HEADER) if task is not None else None
    if request_id:
        _bound_request_ids[task_id] = bind_request_id(request_id)


@task_postrun.connect
def _unbind_request_id(task_id=None, **kwargs):
    token = _bound_request_ids.pop(task_id, None)
    if token is not None:
        unbind_request_id(token)
