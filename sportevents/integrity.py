"""The nightly integrity check (`manage.py check_integrity`): facts the database should always
hold, counted again from the rows. Most have a constraint too; this catches what constraints
cannot (counters against the rows they count) and what a restored backup may have lost.

Each app may have an `integrity.py` with `CHECKS`: functions that return findings, one sentence
each, empty when all is well. They are discovered like admin modules.
"""

from collections.abc import Callable, Iterator

from django.apps import apps
from django.utils.module_loading import import_string, module_has_submodule

Check = Callable[[], list[str]]


def discover_checks() -> Iterator[tuple[str, Check]]:
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "integrity") and config.name != "sportevents":
            for check in import_string(f"{config.name}.integrity.CHECKS"):
                yield f"{config.label}.{check.__name__}", check


def run_checks() -> dict[str, list[str]]:
    """Every check's findings, by check name."""
    return {name: check() for name, check in discover_checks()}
