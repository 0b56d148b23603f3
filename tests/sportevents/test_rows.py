"""sportevents/rows.py: model instances from a written-out query, converted as the ORM reads
them, with the fields not selected deferred."""

from datetime import UTC, datetime

import pytest
from django.db.models.signals import post_save, pre_save

from accounts.models import User
from events.models import AuditEntry
from sportevents.rows import Columns, Insert
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_row_reads_as_the_orm_reads_it_and_the_rest_is_deferred():
    stored = UserFactory(email="ana@example.org", full_name="Ana Sousa")
    columns = Columns(User, ["id", "email", "date_joined", "is_active"])
    sql = f'SELECT {columns.sql("u")}, 42 FROM "{User._meta.db_table}" u WHERE u."email" = %s'
    user, rest = columns.first(sql, ["ana@example.org"])
    assert (user.pk, user.email, user.date_joined, user.is_active) == (
        stored.pk,
        "ana@example.org",
        stored.date_joined,  # an aware datetime on SQLite as on PostgreSQL
        True,
    )
    assert rest == (42,)
    assert "full_name" in user.get_deferred_fields()
    assert user.full_name == "Ana Sousa"  # read on access, not a default
    assert columns.first(sql, ["nobody@example.org"]) is None


def test_a_name_that_is_not_a_field_is_refused():
    with pytest.raises(ValueError, match="nickname"):
        Columns(User, ["id", "nickname"])


def test_an_insert_stores_what_the_orm_would_and_names_the_row(catalogue):
    event, user = EventFactory(), UserFactory()
    at = datetime(2027, 6, 1, 10, 30, 15, 123456, tzinfo=UTC)
    changes = [{"field": "gate", "before": None, "after": "Norte – ü"}]
    entry = AuditEntry(
        event=event,
        at=at,
        actor_kind="device",
        actor=user,
        device="phone-1",
        object_type="checkin",
        object_id="7",
        action="checked_in",
        changes=changes,
    )
    inserted = Insert(AuditEntry)(entry)
    assert inserted is entry and entry.pk is not None and not entry._state.adding
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.event, stored.at, stored.actor, stored.device, stored.changes) == (
        event,
        at,
        user,
        "phone-1",
        changes,
    )
    assert Insert(AuditEntry)(AuditEntry(**{**vars_of(stored), "id": None})).pk > entry.pk


def vars_of(entry: AuditEntry) -> dict:
    return {f.attname: getattr(entry, f.attname) for f in AuditEntry._meta.concrete_fields}


def test_an_insert_sends_the_save_signals_as_model_save_does(catalogue):
    event, sent = EventFactory(), []

    def listener(signal, sender, instance, **kwargs):
        sent.append((signal, sender, instance.pk, kwargs))

    pre_save.connect(listener, sender=AuditEntry)
    post_save.connect(listener, sender=AuditEntry)
    try:
        entry = Insert(AuditEntry)(AuditEntry(event=event, actor_kind="system"))
    finally:
        pre_save.disconnect(listener, sender=AuditEntry)
        post_save.disconnect(listener, sender=AuditEntry)
    common = {"raw": False, "using": "default", "update_fields": None}
    assert sent == [
        (pre_save, AuditEntry, None, common),
        (post_save, AuditEntry, entry.pk, {**common, "created": True}),
    ]


def test_several_rows_go_in_one_statement_in_their_order(catalogue, django_assert_num_queries):
    event = EventFactory()
    entries = [AuditEntry(event=event, actor_kind="system", object_id=str(n)) for n in range(3)]
    with django_assert_num_queries(1):
        saved = Insert(AuditEntry).many(entries)
    assert saved == entries and all(not e._state.adding for e in entries)
    stored = dict(AuditEntry.objects.values_list("pk", "object_id"))
    assert [stored[e.pk] for e in entries] == ["0", "1", "2"]
