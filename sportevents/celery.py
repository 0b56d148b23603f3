import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportevents.settings")

app = Celery("sportevents")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
