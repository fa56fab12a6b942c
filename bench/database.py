"""Drop and create the benchmark's PostgreSQL database: `python bench/database.py URL`
(with `--version` after the URL: print the server's version instead).

Refuses any database whose name does not contain "bench", so a mistyped URL can never
empty the course's own database or the test suite's.
"""

import sys
from urllib.parse import unquote, urlsplit

import psycopg2
from psycopg2 import sql


def _connect(url: str, dbname: str):
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"The benchmark needs PostgreSQL, not {parts.scheme}://.")
    return psycopg2.connect(
        dbname=dbname,
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        host=parts.hostname,
        port=parts.port,
    )


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def recreate(url: str) -> str:
    name = database_name(url)
    if "bench" not in name:
        raise SystemExit(f'Refusing to recreate "{name}": its name must contain "bench".')
    connection = _connect(url, "postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    return name


def server_version(url: str) -> str:
    connection = _connect(url, database_name(url))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return version


if __name__ == "__main__":
    if sys.argv[2:] == ["--version"]:
        print(server_version(sys.argv[1]))
    else:
        print(f"Recreated the database {recreate(sys.argv[1])}")
