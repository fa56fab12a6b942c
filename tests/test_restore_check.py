"""ops/restore-check restores a pg_dump into a fresh database and proves the course runs
on it (docs/deploy.md, "Backups"). PostgreSQL only: the script restores with pg_restore."""

import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import LessonFactory, UserFactory
from tests.test_settings import PRODUCTION

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the restore check restores PostgreSQL dumps: run with a postgres DATABASE_URL",
    ),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]

SCRIPT = settings.BASE_DIR / "ops" / "restore-check"
BACKUP = settings.BASE_DIR / "ops" / "backup"


def _server_url():
    database = connection.settings_dict
    user = database["USER"] or "postgres"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    )


def _backup(directory, media):
    """ops/backup of the test database; returns the dump it wrote."""
    database = f"{_server_url()}/{connection.settings_dict['NAME']}"
    environment = {"PATH": os.environ["PATH"], "DATABASE_URL": database, "MEDIA_ROOT": str(media)}
    finished = subprocess.run(  # noqa: S603 - fixed arguments
        [str(BACKUP), str(directory)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    (dump,) = directory.glob("cse-*.dump")
    return dump


def _restore_check(dump):
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/"),
        "PYTHON": sys.executable,
        **{k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"},
    }
    return subprocess.run(  # noqa: S603 - fixed arguments
        [str(SCRIPT), str(dump), _server_url()],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _restore_databases():
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'restore_check_%%'")
        return {name for (name,) in cursor.fetchall()}


def test_a_backup_restores_and_the_course_runs_on_it(tmp_path):
    UserFactory(email="sam@example.org")
    UserFactory(email="alex@example.org")
    LessonFactory()
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "logo.png").write_bytes(b"logo")
    dump = _backup(tmp_path / "backups", tmp_path / "media")
    before = _restore_databases()

    finished = _restore_check(dump)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "/health/ -> 200" in finished.stdout
    assert "people: 2" in finished.stdout
    assert "lessons: 1" in finished.stdout
    assert "the backup restores and the course runs on it" in finished.stdout
    assert _restore_databases() == before  # the scratch database is dropped
    assert len(list((tmp_path / "backups").glob("cse-media-*.tar.gz"))) == 1
    assert not list((tmp_path / "backups").glob("*.partial"))


def _truncated(whole):
    return whole[: len(whole) // 2]


def _overwritten_at_the_end(whole):
    """The table of contents (at the start) is whole, the table data after it is not."""
    return whole[:-2000] + bytes(1000) + whole[-1000:]


@pytest.mark.parametrize("damage", [_truncated, _overwritten_at_the_end])
def test_a_damaged_backup_fails(tmp_path, damage):
    UserFactory()
    LessonFactory()
    dump = _backup(tmp_path / "backups", tmp_path / "no-media")
    (tmp_path / "damaged.dump").write_bytes(damage(dump.read_bytes()))
    before = _restore_databases()

    finished = _restore_check(tmp_path / "damaged.dump")

    assert finished.returncode != 0
    assert "the backup restores" not in finished.stdout
    assert _restore_databases() == before


def test_a_file_that_is_no_backup_fails(tmp_path):
    (tmp_path / "notes.txt").write_text("not a dump\n")

    finished = _restore_check(tmp_path / "notes.txt")

    assert finished.returncode != 0
    assert "the backup restores" not in finished.stdout
