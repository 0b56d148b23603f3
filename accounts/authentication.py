"""API token authentication: DRF's, with its one query written out. The ORM builds and compiles
the same token-and-user join anew for every request, about half a millisecond of the worker's
CPU on each of the busiest calls (a scan at the door). Every request still reads the token and
the user from the database: a deleted token or a deactivated user is refused at once."""

from functools import cache

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.models import User
from sportevents.rows import Columns


@cache
def _token_user() -> tuple[Columns, str]:
    user = Columns(User)
    sql = (
        f'SELECT {user.sql("u")} FROM "{User._meta.db_table}" u '
        f'JOIN "{Token._meta.db_table}" t ON t."user_id" = u."{User._meta.pk.column}" '
        'WHERE t."key" = %s'
    )
    return user, sql


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        columns, sql = _token_user()
        found = columns.first(sql, [key])
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, _rest = found
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token.from_db(user._state.db, ["key", "user_id"], [key, user.pk])
        token.user = user
        return user, token
