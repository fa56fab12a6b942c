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

from django.db import connections, router
from django.db.models import Model, QuerySet

# Values no row has, one per argument of the queryset's builder (ids are positive).
PLACEHOLDERS = (-7_301_914, -7_301_915, -7_301_916)


class Compiled:
    """`build(*ids)`'s SQL, compiled once per database and run with other ids."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], arguments: int):
        self.model = model
        self.build = build
        self.placeholders = PLACEHOLDERS[:arguments]
        self._statements: dict[str, tuple[str, tuple]] = {}

    def statement(self, database: str) -> tuple[str, tuple]:
        try:
            return self._statements[database]
        except KeyError:
            pass
        queryset = self.build(*self.placeholders)
        sql, params = queryset.query.get_compiler(using=database).as_sql()
        for placeholder in self.placeholders:
            if placeholder not in params:
                raise AssertionError("A compiled query must use each of its arguments.")
        self._statements[database] = (sql, tuple(params))
        return sql, tuple(params)

    def sql_and_params(self, *ids: int) -> tuple[str, list, str]:
        """The SQL, its parameters for `ids` and the database to run it on."""
        database = router.db_for_read(self.model)
        sql, params = self.statement(database)
        values = dict(zip(self.placeholders, ids, strict=True))
        return sql, [values.get(param, param) for param in params], database

    def rows(self, *ids: int) -> Sequence[tuple]:
        """The query's rows for `ids`, as tuples (for `values_list` querysets)."""
        sql, params, database = self.sql_and_params(*ids)
        with connections[database].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def objects(self, *ids: int) -> list:
        """The query's rows for `ids` as model instances, with its annotations."""
        sql, params, database = self.sql_and_params(*ids)
        return list(self.model._default_manager.raw(sql, params).using(database))
