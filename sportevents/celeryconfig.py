"""Celery's settings: Django's CELERY_* settings under Celery's own names (CELERY_BROKER_URL is
`broker_url`), read once, when Celery first needs its configuration (sportevents/celery.py).

Celery reads several settings on every task it sends. Pointed at Django's settings object with a
namespace, each read tries the prefixed and the plain name on that object, and a setting left at
Celery's default fails both lookups first: about a tenth of a registration's CPU went into
sending its email task. From this plain mapping a read is a dictionary lookup. A test that
changes a setting changes `celery_app.conf`, as before.
"""

from django.conf import settings

PREFIX = "CELERY_"

CONFIG = {
    name.removeprefix(PREFIX).lower(): getattr(settings, name)
    for name in dir(settings)
    if name.startswith(PREFIX)
}
