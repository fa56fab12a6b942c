"""A queryset's SQL compiled once and run many times with other values.

Building and compiling a queryset costs a page more Python than the database takes to
answer a small query. Where a page runs the same query for each person, `Compiled`
builds it once per database with placeholder ids, keeps its SQL, and runs it with the
person's (or the exercise's) ids put where the placeholders were. The query is still
defined once, as a queryset; only its compiling is saved.

Every other value in the queryset is kept with the SQL, so a builder may depend on its ids
alone: never on the time (a "recent" filter would freeze at the first run), a setting or
anything else that changes.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import DEFERRED, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

# Values no row has, one per argument of the queryset's builder (ids are positive).
PLACEHOLDERS = (-7_301_914, -7_301_915, -7_301_916)


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    compiler: SQLCompiler
    # The database's conversions of the selected columns (dates on SQLite, say).
    converters: dict
    # For model instances: where each concrete field is in a row (None: not selected),
    # and the annotations' names and places.
    field_places: tuple[int | None, ...]
    annotations: tuple[tuple[str, int], ...]


class Compiled:
    """`build(*ids)`'s SQL, compiled once per database and run with other ids."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], arguments: int):
        self.model = model
        self.build = build
        self.placeholders = PLACEHOLDERS[:arguments]
        self._statements: dict[str, _Statement] = {}

    def statement(self, database: str) -> _Statement:
        try:
            return self._statements[database]
        except KeyError:
            pass
        queryset = self.build(*self.placeholders)
        compiler = queryset.query.get_compiler(using=database)
        sql, params = compiler.as_sql()
        for placeholder in self.placeholders:
            if placeholder not in params:
                raise AssertionError("A compiled query must use each of its arguments.")
        selected = [expression for expression, _sql, _alias in compiler.select]
        names = [alias for _expression, _sql, alias in compiler.select]
        # The model's own columns (not those of a joined table) and where they are.
        table = self.model._meta.db_table
        places = {}
        for place, expression in enumerate(selected):
            target = getattr(expression, "target", None)
            if target is not None and getattr(expression, "alias", None) == table:
                places[target.attname] = place
        fields = self.model._meta.concrete_fields
        field_places = tuple(places.get(field.attname) for field in fields)
        taken = set(places.values())
        annotations = tuple(
            (name, place)
            for place, name in enumerate(names)
            if place not in taken and name is not None
        )
        statement = _Statement(
            sql=sql,
            params=tuple(params),
            compiler=compiler,
            converters=compiler.get_converters(selected),
            field_places=field_places,
            annotations=annotations,
        )
        self._statements[database] = statement
        return statement

    def sql_and_params(self, *ids: int) -> tuple[str, list, str]:
        """The SQL, its parameters for `ids` and the database to run it on."""
        database = router.db_for_read(self.model)
        statement = self.statement(database)
        values = dict(zip(self.placeholders, ids, strict=True))
        return statement.sql, [values.get(param, param) for param in statement.params], database

    def _fetch(self, ids: tuple[int, ...]) -> tuple[_Statement, str, list]:
        sql, params, database = self.sql_and_params(*ids)
        statement = self._statements[database]
        with connections[database].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if statement.converters:
            rows = list(statement.compiler.apply_converters(rows, statement.converters))
        return statement, database, rows

    def rows(self, *ids: int) -> Sequence[tuple]:
        """The query's rows for `ids`, as tuples (for `values_list` querysets), with the
        database's conversions applied as the queryset would."""
        return self._fetch(ids)[2]

    def objects(self, *ids: int) -> list:
        """The query's rows for `ids` as model instances, with its annotations: built
        as the queryset builds them (`Model.from_db`), without its machinery."""
        statement, database, rows = self._fetch(ids)
        model = self.model
        names = [field.attname for field in model._meta.concrete_fields]
        places = statement.field_places
        annotations = statement.annotations
        found = []
        for row in rows:
            instance = model.from_db(
                database,
                names,
                [DEFERRED if place is None else row[place] for place in places],
            )
            for name, place in annotations:
                setattr(instance, name, row[place])
            found.append(instance)
        return found
