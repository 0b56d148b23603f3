"""sportevents/rows.py: model instances from a written-out query, converted as the ORM reads
them, with the fields not selected deferred; new rows saved by written-out INSERTs, alone, several
at once, or with the rows that name them."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DataError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from events.models import AuditEntry
from registrations.models import TicketAllocation, TicketType
from sportevents.rows import Columns, Insert, InsertWith
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


# A ticket type, its seats per country and its audit entry: a row and the rows that name it.
SAVE_WITH = InsertWith(
    Insert(TicketType),
    (Insert(TicketAllocation), "ticket_type"),
    (Insert(AuditEntry), "object_id"),
)


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "WITH"))]


def test_a_row_and_the_rows_naming_it_are_saved_together_in_their_order(catalogue):
    event = EventFactory()
    ticket_type = TicketType(event=event, name="Day pass", capacity=30)
    allocations = [
        TicketAllocation(country=code, seats=n) for code, n in (("PT", 10), ("FI", 5), ("DE", 2))
    ]
    entry = AuditEntry(event=event, actor_kind="system", object_type="tickettype")
    with CaptureQueriesContext(connection) as queries:
        assert SAVE_WITH(ticket_type, allocations, [entry]) is ticket_type
    # PostgreSQL: one statement; elsewhere an INSERT per table.
    assert len(_writes(queries)) == (1 if connection.vendor == "postgresql" else 3)
    assert ticket_type.pk is not None and not ticket_type._state.adding
    assert [a.ticket_type_id for a in allocations] == [ticket_type.pk] * 3
    stored = {
        a.pk: (a.ticket_type_id, a.country.code, a.seats) for a in TicketAllocation.objects.all()
    }
    assert [stored[a.pk] for a in allocations] == [
        (ticket_type.pk, "PT", 10),
        (ticket_type.pk, "FI", 5),
        (ticket_type.pk, "DE", 2),
    ]
    assert AuditEntry.objects.get(pk=entry.pk).object_id == str(ticket_type.pk) == entry.object_id
    assert TicketType.objects.get(pk=ticket_type.pk).name == "Day pass"


def test_a_follower_may_have_no_rows(catalogue):
    event = EventFactory()
    ticket_type = TicketType(event=event, name="Day pass", capacity=30)
    entry = AuditEntry(event=event, actor_kind="system", object_type="tickettype")
    assert SAVE_WITH(ticket_type, [], [entry]) is ticket_type
    assert not TicketAllocation.objects.exists()
    assert AuditEntry.objects.get().object_id == str(ticket_type.pk)


def test_the_rows_saved_together_send_the_save_signals_with_the_link_filled_in(catalogue):
    event, sent = EventFactory(), []

    def listener(signal, sender, instance, **kwargs):
        link = getattr(instance, "ticket_type_id", getattr(instance, "object_id", None))
        sent.append(("pre" if signal is pre_save else "post", sender.__name__, link))

    senders = (TicketType, TicketAllocation, AuditEntry)
    for sender in senders:
        pre_save.connect(listener, sender=sender)
        post_save.connect(listener, sender=sender)
    try:
        ticket_type = TicketType(event=event, name="Day pass", capacity=30)
        SAVE_WITH(
            ticket_type,
            [TicketAllocation(country="PT", seats=3)],
            [AuditEntry(event=event, actor_kind="system")],
        )
    finally:
        for sender in senders:
            pre_save.disconnect(listener, sender=sender)
            post_save.disconnect(listener, sender=sender)
    key = ticket_type.pk
    # Each row's pre_save before its post_save; PostgreSQL sends every pre_save first, as the
    # rows are saved by one statement.
    for name in ("TicketType", "TicketAllocation", "AuditEntry"):
        mine = [signal for signal, sender, _link in sent if sender == name]
        assert mine == ["pre", "post"], (name, sent)
    assert [(sender, link) for signal, sender, link in sent if signal == "post"] == [
        ("TicketType", None),
        ("TicketAllocation", key),
        ("AuditEntry", str(key)),
    ]


def test_a_row_its_constraint_refuses_saves_none_of_its_followers(catalogue):
    """With `unless` on the first Insert: nothing is saved, nothing raised, and the
    transaction goes on."""
    event = EventFactory()
    ticket_type = TicketType.objects.create(event=event, name="Day pass", capacity=30)
    TicketAllocation.objects.create(ticket_type=ticket_type, country="PT", seats=4)
    save = InsertWith(
        Insert(TicketAllocation, unless="one_allocation_per_country"),
        (Insert(AuditEntry), "object_id"),
    )
    with transaction.atomic():
        again = TicketAllocation(ticket_type=ticket_type, country="PT", seats=9)
        assert save(again, [AuditEntry(event=event, actor_kind="system")]) is None
        assert again.pk is None
        other = TicketAllocation(ticket_type=ticket_type, country="FI", seats=2)
        assert save(other, [AuditEntry(event=event, actor_kind="system")]) is other
    assert sorted(TicketAllocation.objects.values_list("country", "seats")) == [
        ("FI", 2),
        ("PT", 4),
    ]
    assert list(AuditEntry.objects.values_list("object_id", flat=True)) == [str(other.pk)]


def test_rows_saved_together_are_named_by_a_column_of_each_follower():
    with pytest.raises(ImproperlyConfigured, match="is not a column"):
        InsertWith(Insert(TicketType), (Insert(AuditEntry), "id"))
    with pytest.raises(TypeError, match="2 followers"):
        SAVE_WITH(TicketType(name="Day pass", capacity=3), [])
    with pytest.raises(ImproperlyConfigured, match="cannot leave rows out"):
        InsertWith(
            Insert(TicketType),
            (Insert(TicketAllocation, unless="one_allocation_per_country"), "ticket_type"),
        )


def test_a_follower_value_too_long_for_its_column_is_refused_not_cut(catalogue):
    """The values are cast to their columns' types without a length: PostgreSQL cuts a value
    cast to varchar(n), but refuses one stored in a varchar(n) column. (SQLite keeps any
    length.)"""
    if connection.vendor != "postgresql":
        pytest.skip("column lengths are PostgreSQL's (the PostgreSQL + Redis pass of CI)")
    event = EventFactory()
    entry = AuditEntry(event=event, actor_kind="device", device="d" * 65)
    with pytest.raises(DataError), transaction.atomic():
        SAVE_WITH(TicketType(event=event, name="Day pass", capacity=3), [], [entry])
    assert not TicketType.objects.filter(event=event).exists()
    assert not AuditEntry.objects.exists()
