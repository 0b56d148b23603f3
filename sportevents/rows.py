"""Model instances read and saved by written-out SQL, for the few queries that run on every
request of the busiest calls (the API token, the ticket at the door, a scan, a registration).

The ORM builds and compiles such a query anew on every call (about half a millisecond of CPU),
and `QuerySet.raw` still works out its columns and their converters each time. `Columns` does
that once per model and database: the query selects `columns.sql(alias)` first, in the model's
field order (what `Model.from_db` needs to leave the other fields deferred), then whatever else
it needs; `columns.first(sql, params)` gives the instance, with its values converted as the ORM
would (SQLite's timestamps and JSON, say), and the other values as they came. `Insert` saves
new rows the same way: its INSERT is built once, and it sends the save signals `Model.save`
sends. `InsertWith` saves a row and the rows that name it, on PostgreSQL in one statement.
"""

from collections.abc import Iterable
from weakref import WeakKeyDictionary

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.db.models import CharField, Model, UniqueConstraint
from django.db.models.signals import post_save, pre_save


def loaded(model: type[Model], db: str, **values) -> Model:
    """An instance of `model` as if read from `db` with only these fields (by attname, such as
    `event_id`); the others deferred, read on access."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


class Columns:
    def __init__(self, model: type[Model], names: Iterable[str] | None = None):
        wanted = None if names is None else set(names)
        self.model = model
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if wanted is None or field.attname in wanted
        ]
        self.names = [field.attname for field in self.fields]
        if wanted is not None and wanted != set(self.names):
            raise ValueError(f"Not fields of {model.__name__}: {sorted(wanted - set(self.names))}")
        self._converters: WeakKeyDictionary = WeakKeyDictionary()  # per connection

    def sql(self, alias: str) -> str:
        """The columns for a SELECT, from the table named `alias` in the query."""
        return ", ".join(f'{alias}."{field.column}"' for field in self.fields)

    def first(self, sql: str, params: list) -> tuple[Model, tuple] | None:
        """The first row of the query: the instance, and the values selected after its columns;
        None without a row."""
        using = self.model._default_manager.db
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        count = len(self.fields)
        values = list(row[:count])
        for index, (converters, expression) in self._converters_for(connection).items():
            for convert in converters:
                values[index] = convert(values[index], expression, connection)
        return self.model.from_db(using, self.names, values), tuple(row[count:])

    def _converters_for(self, connection) -> dict:
        converters = self._converters.get(connection)
        if converters is None:
            query = self.model._base_manager.none().query
            compiler = query.get_compiler(connection=connection)
            table = self.model._meta.db_table
            converters = compiler.get_converters([field.get_col(table) for field in self.fields])
            self._converters[connection] = converters
        return converters


class Insert:
    """Save new instances of `model` by a written-out INSERT, built once per database: what
    `Model.save` (one) or `QuerySet.bulk_create` (several) do for new rows, less building and
    compiling the statement each time. For the rows written on every request of the busiest
    calls: a scan at the door, a registration, their audit entries. As `Model.save`, it sends
    pre_save and post_save for each row (created=True), inside the caller's transaction; it
    calls no overridden `save()` method, so it is for models whose saving is Django's own."""

    def __init__(self, model: type[Model], *, unless: str = ""):
        """`unless`: the name of one of the model's unique constraints. A row it would refuse
        is not inserted (ON CONFLICT DO NOTHING): the call returns None, without an
        IntegrityError and without spoiling the transaction, and waits first, as the
        constraint does, for a transaction that is inserting such a row to end."""
        meta = model._meta
        if meta.parents or meta.proxy or any(not f.primary_key for f in meta.db_returning_fields):
            raise ImproperlyConfigured(
                f"{model.__name__} is saved in several tables or reads values back: save it "
                "with Model.save()."
            )
        self.model = model
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.unless = None
        if unless:
            found = [c for c in meta.constraints if c.name == unless]
            if not found or not isinstance(found[0], UniqueConstraint) or not found[0].fields:
                raise ImproperlyConfigured(f"{model.__name__} has no unique constraint {unless}.")
            self.unless = found[0]
        self._sql: dict[tuple[str, int], str] = {}  # per database vendor and number of rows

    def __call__(self, obj: Model) -> Model | None:
        """Save `obj`; None if the `unless` constraint refused it."""
        return self.many([obj])[0]

    def many(self, objs: list[Model]) -> list[Model | None]:
        """Save `objs` in one statement, in their order. With `unless`, one row at a time:
        which rows of several the constraint refused would not be known."""
        if not objs:
            return []
        if self.unless is not None and len(objs) > 1:
            raise ValueError("Insert(unless=...) saves one row at a time.")
        using = router.db_for_write(self.model)
        connection = connections[using]
        values = self._prepare(objs, using, connection)
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(self._sql_for(connection, len(objs)), values)
            keys = [row[0] for row in cursor.fetchall()]
        if not keys:  # the `unless` constraint refused the row
            return [None]
        self._saved(objs, keys, using)
        return objs

    def _prepare(self, objs: list[Model], using: str, connection) -> list:
        """Send pre_save for each of `objs`; their values for the INSERT, row after row."""
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="save")
            pre_save.send(self.model, instance=obj, raw=False, using=using, update_fields=None)
        return [
            field.get_db_prep_save(field.pre_save(obj, True), connection)
            for obj in objs
            for field in self.fields
        ]

    def _saved(self, objs: list[Model], keys: list, using: str) -> None:
        """`objs` are saved with `keys`: as Model.save leaves them, with post_save sent."""
        for obj, key in zip(objs, keys, strict=True):
            obj.pk = key
            obj._state.adding, obj._state.db = False, using
            post_save.send(
                self.model, instance=obj, created=True, update_fields=None, raw=False, using=using
            )

    def _sql_for(self, connection, rows: int) -> str:
        sql = self._sql.get((connection.vendor, rows))
        if sql is None:
            quote = connection.ops.quote_name
            returning, _params = connection.ops.return_insert_columns([self.model._meta.pk])
            row = f"({', '.join(['%s'] * len(self.fields))})"
            sql = (
                f"INSERT INTO {quote(self.model._meta.db_table)} "
                f"({', '.join(quote(field.column) for field in self.fields)}) "
                f"VALUES {', '.join([row] * rows)} "
                f"{self._on_conflict(connection)}{returning}"
            )
            if rows <= 4:  # one, or a small group: kept; a larger one is rare
                self._sql[(connection.vendor, rows)] = sql
        return sql

    def _on_conflict(self, connection) -> str:
        """PostgreSQL's and SQLite's clause naming the constraint by what it holds (its columns
        and, for a partial one, its condition): a partial unique index has no name to give."""
        if self.unless is None:
            return ""
        quote = connection.ops.quote_name
        columns = ", ".join(
            quote(self.model._meta.get_field(name).column) for name in self.unless.fields
        )
        condition = ""
        if self.unless.condition is not None:
            # As Django writes the index's own condition, with the values in the SQL: PostgreSQL
            # matches the index by this text's meaning, before any parameter is known.
            # (The editor is only asked to quote values: not entered, it touches nothing.)
            editor = connection.schema_editor(collect_sql=True)
            condition = " WHERE " + self.unless._get_condition_sql(self.model, editor)
        return f"ON CONFLICT ({columns}){condition} DO NOTHING "


class InsertWith:
    """Save a new row and the rows that name it (a registration's participants, the audit entry
    of a scan): in one statement where the database allows it (PostgreSQL: INSERTs in a WITH),
    without a round trip for each table, and with no transaction needed for a call on its own;
    elsewhere an INSERT per table, in a transaction. Each follower is an `Insert` and the field
    of its model that holds the first row's key.

    All rows are saved, or none: when the first Insert's `unless` constraint refuses its row,
    the call returns None and saves nothing (a follower's Insert may not have `unless`). Each
    row's pre_save and post_save are sent as `Insert` sends them, and a follower's link is filled
    in before its post_save. On PostgreSQL every row is in the database by the first post_save
    (every pre_save comes first); elsewhere each row's post_save follows its own INSERT."""

    def __init__(self, first: Insert, *followers: tuple[Insert, str]):
        self.first = first
        self.followers = []
        for insert, link in followers:
            field = insert.model._meta.get_field(link)
            if field not in insert.fields:
                raise ImproperlyConfigured(f"{insert.model.__name__}.{link} is not a column.")
            if insert.unless is not None:
                raise ImproperlyConfigured(
                    f"A follower's Insert({insert.model.__name__}) cannot leave rows out."
                )
            self.followers.append((insert, field))
        self._sql: dict[tuple, str] = {}  # per database vendor and numbers of rows

    def __call__(self, obj: Model, *rows: list[Model]) -> Model | None:
        """Save `obj`, then each follower's `rows` naming it; `obj`, or None if refused."""
        if len(rows) != len(self.followers):
            raise TypeError(f"Rows for {len(self.followers)} followers expected.")
        using = router.db_for_write(self.first.model)
        connection = connections[using]
        if connection.vendor != "postgresql":
            with transaction.atomic(using):
                if self.first(obj) is None:
                    return None
                for (insert, link), objs in zip(self.followers, rows, strict=True):
                    for follower in objs:
                        setattr(follower, link.attname, link.to_python(obj.pk))
                    insert.many(objs)
                return obj
        values = self.first._prepare([obj], using, connection)
        for (insert, link), objs in zip(self.followers, rows, strict=True):
            skipped = insert.fields.index(link)
            row_values = insert._prepare(objs, using, connection)
            width = len(insert.fields)
            for start in range(0, len(row_values), width):
                values.extend(row_values[start : start + width][:skipped])
                values.extend(row_values[start : start + width][skipped + 1 :])
        counts = tuple(len(objs) for objs in rows)
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(self._sql_for(connection, counts), values)
            key, *follower_keys = cursor.fetchone()
        if key is None:  # the `unless` constraint refused the first row
            return None
        self.first._saved([obj], [key], using)
        for (insert, link), objs, keys in zip(self.followers, rows, follower_keys, strict=True):
            for follower in objs:
                setattr(follower, link.attname, link.to_python(key))
            insert._saved(objs, keys or [], using)
        return obj

    def _sql_for(self, connection, counts: tuple[int, ...]) -> str:
        sql = self._sql.get((connection.vendor, counts))
        if sql is not None:
            return sql
        quote = connection.ops.quote_name
        key = quote(self.first.model._meta.pk.column)
        parts = [f"saved AS ({self.first._sql_for(connection, 1)})"]
        results = [f"(SELECT {key} FROM saved)"]
        for index, ((insert, link), count) in enumerate(zip(self.followers, counts, strict=True)):
            meta = insert.model._meta
            if not count:
                results.append("NULL")
                continue
            given = [field for field in insert.fields if field is not link]
            # Each value cast to its column's type: a bare value in a SELECT would be text.
            row = ", ".join(f"CAST(%s AS {_cast_type(field, connection)})" for field in given)
            names = [f"c{n}" for n in range(len(given))]
            columns = [
                f"CAST(saved.{key} AS {_cast_type(field, connection)})"
                if field is link
                else f"v.{names[given.index(field)]}"
                for field in insert.fields
            ]
            # The rows go in numbered, in the order given, and their keys (which the sequence
            # hands out in that order) come back in it.
            pk = quote(meta.pk.column)
            values = ", ".join(f"({number}, {row})" for number in range(count))
            parts.append(
                f"f{index} AS (INSERT INTO {quote(meta.db_table)} "
                f"({', '.join(quote(field.column) for field in insert.fields)}) "
                f"SELECT {', '.join(columns)} FROM saved CROSS JOIN "
                f"(VALUES {values}) AS v (n, {', '.join(names)}) ORDER BY v.n "
                f"RETURNING {pk})"
            )
            results.append(f"ARRAY(SELECT {pk} FROM f{index} ORDER BY {pk})")
        sql = f"WITH {', '.join(parts)} SELECT {', '.join(results)}"
        if all(count <= 4 for count in counts):  # a scan, a registration of a small group
            self._sql[(connection.vendor, counts)] = sql
        return sql


def _cast_type(field, connection) -> str:
    """The type a value is cast to for `field`'s column. Text without its length (for a key to a
    text column too): a cast to varchar(n) would cut a longer value silently, where the column
    refuses it."""
    if isinstance(field.target_field if field.is_relation else field, CharField):
        return connection.ops.cast_char_field_without_max_length
    return field.cast_db_type(connection)
