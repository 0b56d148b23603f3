from django.db import transaction

from accounts.models import User


@transaction.atomic
def sign_up(*, email: str, full_name: str, password: str, preferred_language: str) -> User:
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name.strip(),
        preferred_language=preferred_language,
    )


def set_preferred_language(user: User, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
