"""API token authentication: DRF's, with its one query written out. The ORM builds and compiles
the same token-and-user join anew for every request, about half a millisecond of the worker's
CPU on each of the busiest calls (a scan at the door). Every request still reads the token and
the user from the database: a deleted token or a deactivated user is refused at once."""

from functools import cache

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.models import User


@cache
def _token_user_sql() -> str:
    columns = ", ".join(f'u."{field.column}"' for field in User._meta.concrete_fields)
    return (
        f'SELECT {columns} FROM "{User._meta.db_table}" u '
        f'JOIN "{Token._meta.db_table}" t ON t."user_id" = u."{User._meta.pk.column}" '
        'WHERE t."key" = %s'
    )


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        user = next(iter(User.objects.raw(_token_user_sql(), [key])), None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token.from_db(user._state.db, ["key", "user_id"], [key, user.pk])
        token.user = user
        return user, token
