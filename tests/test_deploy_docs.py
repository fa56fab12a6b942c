"""docs/deploy.md and the files beside it agree with the code they describe."""

import re
import shlex

from django.conf import settings
from django.core.management import get_commands

DOCS = settings.BASE_DIR / "docs"
SETTINGS = settings.BASE_DIR / "cse_course" / "settings"

# env("NAME", ...), env.int("NAME", ...), os.environ.setdefault("NAME", ...),
# "NAME" in os.environ: every way the settings read the environment.
READS = re.compile(
    r"""\benv(?:\.\w+)?\(\s*"(?P<env>[A-Z][A-Z0-9_]*)"
      | os\.environ(?:\.\w+)?\(\s*"(?P<setdefault>[A-Z][A-Z0-9_]*)"
      | "(?P<membership>[A-Z][A-Z0-9_]*)"\s+(?:not\s+)?in\s+os\.environ""",
    re.VERBOSE,
)


def _variables_read_by_the_settings():
    names = set()
    for path in SETTINGS.glob("*.py"):
        for match in READS.finditer(path.read_text()):
            names.add(next(name for name in match.groups() if name))
    return names


def _documented_variables():
    """The first column of the settings table: | `NAME` | meaning | default |."""
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", (DOCS / "deploy.md").read_text(), re.M))


def test_the_settings_files_are_searched_for_what_they_read():
    found = _variables_read_by_the_settings()

    assert {"SECRET_KEY", "DATABASE_URL", "CONN_MAX_AGE", "REDIS_URL", "DEBUG"} <= found
    assert len(found) > 30


def test_every_environment_variable_the_settings_read_is_documented():
    missing = _variables_read_by_the_settings() - _documented_variables()

    assert not missing, f"add these to the table in docs/deploy.md: {sorted(missing)}"


def test_a_new_variable_would_be_caught(tmp_path, monkeypatch):
    """Proof the search sees a variable added to a settings file."""
    (tmp_path / "extra.py").write_text('WIDGETS = env.int(\n    "WIDGET_COUNT", default=3)\n')
    monkeypatch.setattr(f"{__name__}.SETTINGS", tmp_path)

    assert _variables_read_by_the_settings() - _documented_variables() == {"WIDGET_COUNT"}


def test_the_proxy_lets_the_largest_form_through_and_little_more():
    nginx = (DOCS / "deploy" / "nginx.conf").read_text()
    (megabytes,) = re.findall(r"^\s*client_max_body_size (\d+)m;", nginx, re.M)
    limit = int(megabytes) * 1024 * 1024

    assert limit >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit - settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 1024 * 1024


def _crontab_lines(text):
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_the_crontab_in_the_guide_is_the_crontab_file():
    guide = (DOCS / "deploy.md").read_text()
    (block,) = re.findall(r"```crontab\n(.*?)```", guide, re.S)

    assert _crontab_lines(block) == _crontab_lines((DOCS / "deploy" / "crontab").read_text())


def test_every_job_in_the_crontab_exists():
    commands = get_commands()
    jobs = _crontab_lines((DOCS / "deploy" / "crontab").read_text())[1:]  # after MAILTO

    for job in jobs:
        last = shlex.split(job.split("&&")[-1])
        if "manage.py" in last[1:2]:
            assert last[2] in commands, job
        else:
            script = settings.BASE_DIR / last[0]
            assert script.is_file(), job
            assert script.stat().st_mode & 0o111, f"{script} is not executable"
