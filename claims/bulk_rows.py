"""Rows that follow many new claims (their audit history and their events), copied by the database.

Django's ``bulk_create`` prepares every value of every row in Python: for an article's ~19 new claims,
their history rows and their events that was most of ``claims_create_detected``'s time. The rows
repeat the claims just inserted plus a few constants, so one ``INSERT ... SELECT`` from the claim rows
writes them with only the constants sent as parameters. Column names come from the models, so the
statements follow the schema (and django-simple-history's historical model) as it changes.
"""

from django.db import connection
from django.db.models import Model
from django.utils import timezone


def _insert_select(
    target: type[Model], source: type[Model], ids: list, copied: dict, constants: dict
) -> None:
    """Insert into ``target`` one row per ``source`` row of ``ids`` (in id order).

    ``copied`` maps target field names to source field names, ``constants`` target field names to values.
    """
    quote = connection.ops.quote_name
    target_meta, source_meta = target._meta, source._meta
    columns = [quote(target_meta.get_field(name).column) for name in (*copied, *constants)]
    values = [quote(source_meta.get_field(name).column) for name in copied.values()]
    params = []
    for name, value in constants.items():
        field = target_meta.get_field(name)
        values.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    pk = quote(source_meta.pk.column)
    marks = ", ".join(["%s"] * len(ids))
    # Only quoted names from the models go into the text; every value is a bound parameter.
    sql = (
        f"INSERT INTO {quote(target_meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {quote(source_meta.db_table)} WHERE {pk} IN ({marks}) ORDER BY {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids])


def insert_history(model: type[Model], objs: list, *, change_reason: str) -> None:
    """The "created" history rows of ``objs`` (saved instances of ``model``), as ``bulk_create_with_history``
    writes them: same tracked values, one history date, the request's user (or none), the reason."""
    history = model.history.model
    user = history.get_default_history_user(objs[0])
    copied = {field.name: field.name for field in history.tracked_fields}
    constants = {
        "history_date": timezone.now(),
        "history_change_reason": change_reason,
        "history_type": "+",
        "history_user": getattr(user, "pk", None),
    }
    _insert_select(history, model, [obj.pk for obj in objs], copied, constants)


def insert_rows_per(
    target: type[Model], source: type[Model], ids: list, *, link: str, constants: dict
) -> None:
    """One ``target`` row per ``source`` row of ``ids``: its ``link`` field points at that row."""
    _insert_select(target, source, ids, {link: source._meta.pk.name}, constants)
