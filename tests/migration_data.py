"""The rows every installation gets from its data migrations, restorable after a flush."""

from importlib import import_module

from django.apps import apps

# (migration module, function): each function is idempotent (get_or_create / exists checks).
DATA_MIGRATIONS = (
    ("sla.migrations.0002_builtin_calendars_and_tier", "create"),
    ("tickets.migrations.0002_default_priority_matrix", "create_matrix"),
)


def restore_migration_data() -> None:
    """Built-in calendars, default tier and priority matrix, as the migrations create them."""
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
