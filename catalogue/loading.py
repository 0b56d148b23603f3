"""Load the action catalogue from catalogue/data/actions.json (used by a data migration)."""

import json
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "actions.json"


def load_actions(action_model, field_model) -> int:
    """Create or update every action in the data file; idempotent. Returns how many there are."""
    entries = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for entry in entries:
        action, _ = action_model.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "family": entry["family"],
                "position": entry["position"],
                "name_i18n": entry["name"],
                "summary_i18n": entry["summary"],
                "who_may_apply_i18n": entry["who_may_apply"],
                "guide_url": entry["guide_url"],
                "is_grant": entry["is_grant"],
            },
        )
        field_model.objects.filter(action=action).exclude(field__in=entry["fields"]).delete()
        for code in entry["fields"]:
            field_model.objects.get_or_create(action=action, field=code)
    return len(entries)
