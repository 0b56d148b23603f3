from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from catalogue.loading import load_actions
from catalogue.models import Action, ActionField
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

# The shared planning scene: the `plan` fixture; the fake Stripe server and signed webhooks.
pytest_plugins = ["tests.planning_fixtures", "tests.payments.fixtures"]


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached pages and rate-limit counters belong to the test that made them: a test's rows
    are rolled back, what the cache kept of them is not."""
    cache.clear()


@pytest.fixture
def catalogue(db):
    """The action catalogue. Its data migration's rows vanish after a transactional test."""
    if not Action.objects.exists():
        load_actions(Action, ActionField)
    return Action.objects.all()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def admin_membership(organisation):
    return MembershipFactory(organisation=organisation, role="admin")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def same_rate_window():
    """Rate limits count per clock minute: keep a test that fills one inside a single minute."""
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(seconds=1)
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture(autouse=True)
def _tasks_may_wait_for_results():
    """Celery keeps "a task is running here, joining would block" in one flag per process, set
    and restored around each eager task. Tasks run at once in several threads (the capacity races)
    can restore it crosswise and leave it set, and a later test's `.delay().get()` would then be
    refused. Each test starts with it cleared, as a fresh process does."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
