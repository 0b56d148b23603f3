"""Many-valued choice fields stored as one row per value (sports, features, fields served)."""

from sportevents.pagecache import public_data_changed


def replace_choices(owner, related_name: str, field: str, values) -> None:
    """Make `owner.<related_name>` hold exactly `values` in its `field` column."""
    related = getattr(owner, related_name)
    wanted = set(values)
    related.exclude(**{f"{field}__in": wanted}).delete()
    existing = set(related.values_list(field, flat=True))
    owner_field = related.field.name
    added = related.model.objects.bulk_create(
        related.model(**{owner_field: owner, field: value}) for value in sorted(wanted - existing)
    )
    if added:  # bulk_create sends no signal; public pages show these values
        public_data_changed()
