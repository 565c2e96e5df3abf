"""Bulk INSERT of plain column lists, for writers whose cost was building model instances.

bulk_create makes a model instance per row and prepares each value through its field (about
10 µs a row for a timeline event); a sweep writing thousands of rows spends most of its Python
time there. rows_insert takes the values as columns (one list per field, or one value shared by
every row) and, on PostgreSQL, sends them as one array per column to a single
INSERT ... SELECT FROM unnest(...). The rows are those bulk_create would write: fields left out
get their default, auto_now_add fields the time of the statement. Other databases (SQLite in
tests) go through bulk_create itself.

Values must be what the field stores: ids for foreign keys (by attname, e.g. "ticket_id"),
aware datetimes, and JSON-serialisable data for JSON fields (encoded as JSONField does).
"""

import json
from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

# Field types whose Python values psycopg2 adapts as the field itself would store them.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateTimeField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def rows_insert(
    model: type[models.Model],
    columns: dict[str, Sequence],
    *,
    same: dict[str, object] | None = None,
) -> list[int]:
    """Insert len(columns' lists) rows of `model`; returns their primary keys in order.

    `columns` maps attnames to one value per row, `same` attnames to a value for every row.
    """
    same = same or {}
    fields = {field.attname: field for field in model._meta.concrete_fields}
    unknown = (set(columns) | set(same)) - set(fields)
    if unknown:
        raise ValueError(f"rows_insert: {model.__name__} has no field {sorted(unknown)}")
    for field in fields.values():  # every column gets written: given, default or auto time
        if field.get_internal_type() not in _PLAIN | {"JSONField"}:
            raise ValueError(f"rows_insert: {field.name} ({field.get_internal_type()}) unsupported")
    count = len(next(iter(columns.values()), ()))
    if any(len(values) != count for values in columns.values()):
        raise ValueError("rows_insert: columns of different lengths")
    if not count:
        return []
    if connection.vendor != "postgresql":
        objs = [
            model(**{name: values[row] for name, values in columns.items()}, **same)
            for row in range(count)
        ]
        return [obj.pk for obj in model.objects.bulk_create(objs)]
    pk = model._meta.pk
    now = timezone.now()
    shared = dict(same)
    for name, field in fields.items():
        if field is pk or name in columns or name in shared:
            continue
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        shared[name] = now if auto else field.get_default()
    quote = connection.ops.quote_name
    names, selected, arrays, params = [], [], [], []
    for name, value in shared.items():
        field = fields[name]
        names.append(quote(field.column))
        selected.append(f"%s::{field.db_type(connection)}")
        params.append(_stored(field, [value])[0])
    for position, (name, values) in enumerate(columns.items()):
        field = fields[name]
        names.append(quote(field.column))
        selected.append(f"u.c{position}")
        arrays.append(f"%s::{field.db_type(connection)}[]")
        params.append(_stored(field, values))
    aliases = ", ".join(f"c{position}" for position in range(len(columns)))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM unnest({', '.join(arrays)}) AS u({aliases}) "
        # Rows are inserted, and returned, in the arrays' order (bulk_create relies on it too).
        f"RETURNING {quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _stored(field: models.Field, values: Sequence) -> list:
    """The values as psycopg2 should send them for `field` (bound, never spliced into the SQL;
    JSON as JSONField encodes it)."""
    if field.get_internal_type() == "JSONField":
        return [json.dumps(value, cls=field.encoder) for value in values]
    return list(values)
