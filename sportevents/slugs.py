"""Readable, unique slugs for new rows, safe when two requests pick the same name at once."""

import secrets

from django.db import IntegrityError, transaction
from django.utils.text import slugify


def save_with_unique_slug(instance, text: str, *, fallback: str, max_length: int = 80):
    """Save a new `instance` under the first free slug of `text` ("name", "name-2", ...)."""
    model = type(instance)
    base = slugify(text)[: max_length - 6].strip("-") or fallback
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    for _attempt in range(5):
        instance.slug = slug
        try:
            with transaction.atomic():
                instance.save()
            return instance
        except IntegrityError:
            # Another request took this slug between our read and our write; only then retry.
            if not model.objects.filter(slug=slug).exists():
                raise
            slug = f"{base}-{secrets.token_hex(2)}"
    raise IntegrityError(f"no free slug for {base!r}")
