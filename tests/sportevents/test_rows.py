"""sportevents/rows.py: model instances from a written-out query, converted as the ORM reads
them, with the fields not selected deferred."""

import pytest

from accounts.models import User
from sportevents.rows import Columns
from tests.factories import UserFactory

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
