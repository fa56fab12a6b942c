"""Soak: two app servers, one PostgreSQL, one Redis, the task worker, and 200
practitioners autosaving for five minutes; then every stored answer is compared with
what the server acknowledged. Run through `bench/soak` (see docs/PERFORMANCE.md).

Modes (SOAK_MODES, comma-separated, or `all`):
  plain   the run as it is;
  kill    one app server SIGKILLed (its whole process group) midway, restarted
          SOAK_RESTART_AFTER seconds later; its clients retry on the other;
  dbterm  midway, every PostgreSQL backend of the soak database is terminated
          (pg_terminate_backend): the app servers' and the worker's connections;
  email   the plain run plus a burst of SOAK_EMAILS reminders from a team manager,
          timing how fast the worker drains the queue into a local SMTP sink;
  emaildb (not in `all`) the burst with every backend terminated three times while
          the worker drains it: the worker may exit (it is restarted, as systemd
          would), and `manage.py outbox_recover`, run every SOAK_RECOVER_EVERY seconds
          as cron runs it every 5 minutes, queues again the emails it was sending.

Bounded: loopback only, SOAK_PRACTITIONERS clients for SOAK_SECONDS each mode, at most
SOAK_DRAIN_SECONDS more for the email queue. Exit status 1 when any requirement fails.

Each simulated practitioner does what a browser with static/js/autosave.js does: GET
the sign-in page, POST the email and password with the CSRF token, open the exercise
page, then every few seconds (jittered) POST a JSON save {text, version} with
X-CSRFToken, based on the version the last reply returned; a network error or a 5xx is
tried again (here on the other app server) with the same base version, with the
script's back-off; a 409 whose stored text is the practitioner's own unconfirmed save
is built on, as the page does. Cookies are kept by hand, per practitioner: the
production cookies are Secure and the servers are reached over plain loopback HTTP as
a TLS-terminating proxy would reach them (X-Forwarded-Proto: https, one X-Forwarded-For
entry per practitioner so per-address rate limits see 200 clients).
"""

import asyncio
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import django
import httpx
import psycopg2
import redis
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "course.soak.test"
ORIGIN = f"https://{HOST}"
PASSWORD = "soak-practitioner-2017"  # noqa: S105 (the soak's made-up accounts)


def _data():
    """The soak's database side: importable only once Django is set up."""
    from bench import soak_data  # noqa: PLC0415

    return soak_data


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass
class Config:
    database_url: str = os.environ.get(
        "SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cse_soak"
    )
    redis_url: str = os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/13")
    practitioners: int = _env_int("SOAK_PRACTITIONERS", 200)
    seconds: int = _env_int("SOAK_SECONDS", 300)
    sign_in_concurrency: int = _env_int("SOAK_SIGN_IN_AT_ONCE", 8)
    min_interval: float = float(os.environ.get("SOAK_MIN_INTERVAL", "2"))
    max_interval: float = float(os.environ.get("SOAK_MAX_INTERVAL", "6"))
    ports: tuple[int, int] = (_env_int("SOAK_PORT_A", 8731), _env_int("SOAK_PORT_B", 8732))
    smtp_port: int = _env_int("SOAK_SMTP_PORT", 8725)
    workers: int = _env_int("SOAK_GUNICORN_WORKERS", 2)
    restart_after: int = _env_int("SOAK_RESTART_AFTER", 5)
    emails: int = _env_int("SOAK_EMAILS", 2000)
    drain_seconds: int = _env_int("SOAK_DRAIN_SECONDS", 900)
    # The soak's cron: outbox_recover this often, counting a task dead after
    # SOAK_EMAIL_RECOVER_AFTER seconds (an attempt on the loopback sink takes
    # milliseconds; production's 5 minutes would outlast the run).
    recover_every: int = _env_int("SOAK_RECOVER_EVERY", 10)
    recover_after: int = _env_int("SOAK_EMAIL_RECOVER_AFTER", 20)
    fresh: bool = os.environ.get("SOAK_FRESH", "") not in ("", "0", "false")
    modes: list[str] = field(
        default_factory=lambda: [
            m.strip()
            for m in os.environ.get("SOAK_MODES", "plain,kill,dbterm,email").split(",")
            if m.strip()
        ]
    )


CONFIG = Config()
if CONFIG.modes == ["all"]:
    CONFIG.modes = ["plain", "kill", "dbterm", "email"]


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# --- Environment: production settings pointed at loopback services -------------------


def _database_name() -> str:
    name = urlparse(CONFIG.database_url).path.lstrip("/")
    if not name or name in ("test", "postgres", "template0", "template1"):
        raise SystemExit(f"Refusing to soak the database {name!r}: give it its own name.")
    return name


def app_environment(run_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cse_course.settings.production",
            "SECRET_KEY": "soak-" + secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": HOST,
            "SITE_URL": ORIGIN,
            "DATABASE_URL": CONFIG.database_url,
            "CONN_MAX_AGE": os.environ.get("SOAK_CONN_MAX_AGE", "600"),
            "CONN_HEALTH_CHECKS": "true",
            # The cache and the session copies (the settings refuse CACHE_URL beside it).
            "REDIS_URL": CONFIG.redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{CONFIG.smtp_port}",
            "EMAIL_TIMEOUT": "10",
            "EMAIL_RECOVER_AFTER": str(CONFIG.recover_after),
            "TRUSTED_PROXY_COUNT": "1",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(RESULTS / ".soak-static"),
            # Every save keeps its own history entry, so each acknowledged save can be
            # found afterwards.
            "ANSWER_HISTORY_COALESCE_MINUTES": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("DEBUG", None)
    env.pop("CACHE_URL", None)
    return env


ENV: dict[str, str] = {}


def manage(*args: str, quiet: bool = True) -> None:
    subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def prepare_database() -> None:
    name = _database_name()
    parsed = urlparse(CONFIG.database_url)
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        if CONFIG.fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")
    admin.close()


def terminate_backends() -> int:
    """End every backend connected to the soak database (the app servers' and the
    worker's), from a connection to another database."""
    parsed = urlparse(CONFIG.database_url)
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [_database_name()],
        )
        (count,) = cursor.fetchone()
    admin.close()
    return count


def flush_redis() -> None:
    redis.Redis.from_url(CONFIG.redis_url).flushdb()


# --- Processes: two gunicorns, the worker, the SMTP sink -------------------------------


class Sink:
    """A local SMTP server that counts what it receives and keeps nothing."""

    def __init__(self, port: int) -> None:
        self.count = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.count += 1
            now = time.monotonic()
            self.first_at = self.first_at or now
            self.last_at = now
        return "250 OK"

    def reset(self) -> None:
        with self._lock:
            self.count, self.first_at, self.last_at = 0, None, None


class Processes:
    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.servers: dict[int, subprocess.Popen] = {}
        self.worker: subprocess.Popen | None = None
        self.worker_restarts = 0

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        out = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 (kept by the child)
        return subprocess.Popen(  # noqa: S603 (fixed arguments)
            args, cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_server(self, port: int) -> None:
        self.servers[port] = self._spawn(
            f"gunicorn-{port}",
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "cse_course.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(CONFIG.workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
        )

    def start_worker(self) -> None:
        self.worker = self._spawn(
            "db_worker", [sys.executable, "manage.py", "db_worker", "--no-startup-delay"]
        )

    def kill_server(self, port: int) -> None:
        """SIGKILL the whole instance: its master and workers at once, as a machine that
        dies would."""
        process = self.servers[port]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def worker_alive(self) -> bool:
        return self.worker is not None and self.worker.poll() is None

    async def supervise_worker(self, events: list[str], start: float) -> None:
        """Start the task worker again whenever it exits, as a service manager set to
        restart it (systemd's Restart=always) would, a second later; each is recorded.
        Every CONFIG.recover_every seconds, run `manage.py outbox_recover` as cron does."""
        ticks = 0
        while True:
            await asyncio.sleep(1)
            ticks += 1
            if ticks % CONFIG.recover_every == 0:
                await asyncio.to_thread(outbox_recover, events, start)
            if not self.worker_alive():
                self.worker_restarts += 1
                events.append(
                    f"t={time.monotonic() - start:.0f}s the task worker had exited "
                    f"(status {self.worker.returncode if self.worker else None}): restarted"
                )
                log(events[-1])
                self.start_worker()

    def stop(self) -> None:
        for process in [*self.servers.values(), self.worker]:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.servers.values(), self.worker]:
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.servers.clear()
        self.worker = None


def outbox_recover(events: list[str], start: float) -> None:
    """One cron run of `manage.py outbox_recover`; what it recovered, or its failure
    (the database may be dropping connections just then), is recorded."""
    run = subprocess.run(
        [sys.executable, "manage.py", "outbox_recover"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    said = run.stdout.strip() or (f"exit status {run.returncode}" if run.returncode else "")
    if said:
        events.append(f"t={time.monotonic() - start:.0f}s outbox_recover: {said}")
        log(events[-1])


def wait_for_port(port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"Nothing listens on port {port} after {seconds} s: see bench/results/.")


# --- The simulated practitioners ------------------------------------------------------

COOKIE_RE = re.compile(r"^\s*([^=;\s]+)=([^;]*)")
CSRF_INPUT_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FIELD_RE = re.compile(
    r'data-answer-field data-key="(?P<key>[^"]+)"\s+data-url="(?P<url>[^"]+)"'
    r'.*?name="version-(?P=key)" value="(?P<version>\d+)"',
    re.S,
)
WORDS = (
    "the",
    "child",
    "said",
    "she",
    "was",
    "picked",
    "up",
    "after",
    "school",
    "by",
    "an",
    "older",
    "man",
    "who",
    "gave",
    "her",
    "a",
    "phone",
    "and",
    "alcohol",
    "strategy",
    "meeting",
    "agreed",
    "safety",
    "plan",
    "with",
    "mother",
    "school",
    "missing",
    "episodes",
    "were",
    "mapped",
    "against",
    "locations",
    "peers",
    "disclosure",
    "takes",
    "time",
    "trust",
    "professional",
    "curiosity",
    "matters",
    "more",
    "than",
    "checklist",
)
MOST_TRIES = 5  # as static/js/autosave.js
FIRST_RETRY = 2.0
LONGEST_RETRY = 30.0


@dataclass
class Tally:
    """What one mode's clients saw."""

    requests: int = 0
    saves_sent: int = 0
    saves_acked: int = 0
    status: dict[str, int] = field(default_factory=dict)
    refused_connections: int = 0  # nothing listening: the killed instance
    network_errors: int = 0  # reset, timeout, broken reply
    server_errors: list[tuple[float, int]] = field(default_factory=list)  # (time, status)
    own_conflicts: int = 0  # a 409 against this practitioner's own unconfirmed save
    conflicts: int = 0  # a 409 against anything else: should never happen here
    signed_out: int = 0
    gave_up: int = 0  # a save not stored after MOST_TRIES attempts
    sign_in_failures: int = 0
    other_failures: list[str] = field(default_factory=list)
    sign_in_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # autosaves
    page_latencies: list[float] = field(default_factory=list)  # sign-in, pages

    def count(self, status: int) -> None:
        key = f"{status // 100}xx" if status else "network"
        self.status[key] = self.status.get(key, 0) + 1


class Practitioner:
    def __init__(self, index: int) -> None:
        self.index = index
        self.email = f"soak.p{index:04d}@soak.example"
        self.marker = f"[p{index:04d}]"
        self.address = f"198.18.{index // 250}.{index % 250 + 1}"
        self.cookies: dict[str, str] = {}
        self.signed_in = False

    def begin_mode(self, http, tally: Tally, start: float) -> None:
        """A new mode: the same person, still signed in, with the answer deleted."""
        self.http = http
        self.tally = tally
        self.start = start
        self.server = self.index % 2
        self.token = ""
        self.url = ""
        self.version = 0
        self.unconfirmed: str | None = None
        self.acked: list[tuple[int, str]] = []
        self.sent: list[str] = []
        self.saves = 0

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {
            "Host": HOST,
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "User-Agent": "cse-soak",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _keep_cookies(self, response) -> None:
        for line in response.headers.get_list("set-cookie"):
            match = COOKIE_RE.match(line)
            if match:
                name, value = match.groups()
                if "max-age=0" in line.lower() or value in ('""', ""):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value

    async def request(self, method: str, path: str, *, server: int | None = None, **kwargs):
        """(status, response); status 0 when the network failed."""
        port = CONFIG.ports[self.server if server is None else server]
        headers = self._headers(kwargs.pop("headers", None))
        self.tally.requests += 1
        began = time.monotonic()
        try:
            response = await self.http.request(
                method, f"http://127.0.0.1:{port}{path}", headers=headers, **kwargs
            )
        except httpx.ConnectError:
            self.tally.refused_connections += 1
            self.tally.count(0)
            return 0, None
        except httpx.HTTPError:
            self.tally.network_errors += 1
            self.tally.count(0)
            return 0, None
        took = time.monotonic() - began
        if method == "POST" and path == self.url:
            self.tally.latencies.append(took)
        else:
            self.tally.page_latencies.append(took)
        self.tally.count(response.status_code)
        if response.status_code >= 500:
            self.tally.server_errors.append((time.monotonic() - self.start, response.status_code))
        self._keep_cookies(response)
        return response.status_code, response

    async def sign_in(self) -> bool:
        for attempt in range(MOST_TRIES):
            if attempt:
                self.server = 1 - self.server
                await asyncio.sleep(FIRST_RETRY)
            status, page = await self.request("GET", "/accounts/login/")
            if status != 200:
                continue
            match = CSRF_INPUT_RE.search(page.text)
            if not match:
                self.tally.other_failures.append(f"{self.email}: no CSRF token on sign-in")
                return False
            status, _reply = await self.request(
                "POST",
                "/accounts/login/",
                data={
                    "csrfmiddlewaretoken": match.group(1),
                    "login": self.email,
                    "password": PASSWORD,
                },
                headers={"Referer": f"{ORIGIN}/accounts/login/", "Origin": ORIGIN},
            )
            if status == 302 and any("session" in name for name in self.cookies):
                return True
            if status and status < 500:
                self.tally.other_failures.append(f"{self.email}: sign-in answered {status}")
                return False
        self.tally.other_failures.append(f"{self.email}: sign-in failed {MOST_TRIES} times")
        return False

    async def open_exercise(self, number: int) -> bool:
        for attempt in range(MOST_TRIES):
            if attempt:
                self.server = 1 - self.server
                await asyncio.sleep(FIRST_RETRY)
            status, page = await self.request("GET", f"/reflections/exercises/{number}/")
            if status != 200:
                continue
            token = CSRF_INPUT_RE.search(page.text)
            fields = FIELD_RE.search(page.text)
            if not token or not fields:
                self.tally.other_failures.append(f"{self.email}: exercise page without a field")
                return False
            self.token = token.group(1)
            self.url = fields.group("url")
            self.version = int(fields.group("version"))
            self.exercise_path = f"/reflections/exercises/{number}/"
            return True
        self.tally.other_failures.append(f"{self.email}: exercise page failed")
        return False

    def _text(self) -> str:
        self.saves += 1
        words = random.choices(WORDS, k=random.randint(20, 120))
        return f"{self.marker} save {self.saves}: {' '.join(words)}"

    async def _post(self, payload: dict, *, may_refresh: bool = True):
        status, response = await self.request(
            "POST",
            self.url,
            content=json.dumps(payload),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-CSRFToken": self.token,
                "Referer": f"{ORIGIN}{self.exercise_path}",
                "Origin": ORIGIN,
            },
        )
        if status == 403 and may_refresh:
            # As the page: a fresh CSRF token, then once more.
            got, reply = await self.request("GET", "/reflections/csrf-token/")
            if got == 200:
                self.token = reply.json().get("token", self.token)
            return await self._post(payload, may_refresh=False)
        data = {}
        if response is not None:
            try:
                data = response.json()
            except ValueError:
                data = {}
        return status, data

    async def save(self, text: str, deadline: float) -> None:
        """One save as the page makes it, with its retries."""
        tries = 0
        resolved = False
        self.tally.saves_sent += 1
        while True:
            payload = {"text": text, "version": self.version}
            if resolved:
                payload["resolved"] = True
            self.sent.append(text)
            status, data = await self._post(payload)
            if status == 0:
                self.unconfirmed = text
            elif status != 409:
                self.unconfirmed = None
            if status == 200 and data.get("status") in ("saved", "unchanged"):
                self.version = data["version"]
                self.acked.append((data["version"], text))
                self.tally.saves_acked += 1
                return
            if status == 409 and data.get("status") == "closed":
                self.tally.other_failures.append(f"{self.email}: question closed")
                return
            if (
                status == 409
                and self.unconfirmed is not None
                and data.get("text") == self.unconfirmed
            ):
                # The earlier save did go through: build on it and send this text now.
                self.tally.own_conflicts += 1
                self.unconfirmed = None
                self.version = data["version"]
                continue
            if status == 409:
                # Someone else's text: the page would show both; here, keep mine.
                self.tally.conflicts += 1
                self.version = data.get("version", self.version)
                resolved = True
                continue
            if status == 401:
                self.tally.signed_out += 1
                return
            if 400 <= status < 500:
                self.tally.other_failures.append(f"{self.email}: save answered {status}")
                return
            # No answer, or a 5xx: again, on the other app server, after the page's wait.
            tries += 1
            if tries >= MOST_TRIES or time.monotonic() > deadline:
                self.tally.gave_up += 1
                return
            self.server = 1 - self.server
            await asyncio.sleep(min(FIRST_RETRY * 2 ** (tries - 1), LONGEST_RETRY))

    async def enter(self, number: int, gate: asyncio.Semaphore) -> bool:
        """Sign in and open the exercise page, a few practitioners at a time (signing in
        checks a real password hash: costly on purpose)."""
        if not self.signed_in:
            async with gate:
                if not await self.sign_in():
                    self.tally.sign_in_failures += 1
                    return False
                self.signed_in = True
        return await self.open_exercise(number)

    async def autosave(self, *, until: float) -> None:
        while True:
            await asyncio.sleep(random.uniform(CONFIG.min_interval, CONFIG.max_interval))
            if time.monotonic() >= until:
                break
            self.server = 1 - self.server  # alternate between the instances
            await self.save(self._text(), deadline=until + 60)


# --- One mode --------------------------------------------------------------------------


@dataclass
class ModeResult:
    mode: str
    seconds: float
    tally: Tally
    verdict: object
    events: list[str] = field(default_factory=list)
    email: dict | None = None
    failures: list[str] = field(default_factory=list)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def drive(
    mode: str, processes: Processes, sink: Sink, number: int, clients: list["Practitioner"]
) -> ModeResult:
    soak_data = _data()
    tally = Tally()
    events: list[str] = []
    limits = httpx.Limits(max_connections=CONFIG.practitioners * 2, max_keepalive_connections=0)
    email: dict | None = None
    async with httpx.AsyncClient(
        limits=limits, timeout=httpx.Timeout(60.0), cookies=_NoCookies()
    ) as http:
        began = time.monotonic()
        signing_in = sum(not c.signed_in for c in clients)
        for client in clients:
            client.begin_mode(http, tally, began)
        gate = asyncio.Semaphore(CONFIG.sign_in_concurrency)
        entered = await asyncio.gather(*(c.enter(number, gate) for c in clients))
        start = time.monotonic()
        tally.sign_in_seconds = start - began
        events.append(
            f"{signing_in} signed in ({CONFIG.sign_in_concurrency} at a time), "
            f"{sum(entered)} of {len(clients)} opened the exercise, in {start - began:.0f}s"
        )
        log(events[-1])
        until = start + CONFIG.seconds
        for client in clients:
            client.start = start
        tasks = [
            asyncio.create_task(c.autosave(until=until))
            for c, ok in zip(clients, entered, strict=True)
            if ok
        ]
        supervisor = asyncio.create_task(processes.supervise_worker(events, start))
        midway = CONFIG.seconds / 2
        if mode == "kill":
            await asyncio.sleep(midway)
            port = CONFIG.ports[1]
            processes.kill_server(port)
            events.append(f"t={time.monotonic() - start:.0f}s SIGKILL instance :{port}")
            log(events[-1])
            await asyncio.sleep(CONFIG.restart_after)
            processes.start_server(port)
            await asyncio.to_thread(wait_for_port, port)
            events.append(f"t={time.monotonic() - start:.0f}s instance :{port} listening again")
            log(events[-1])
        elif mode == "dbterm":
            await asyncio.sleep(midway)
            ended = await asyncio.to_thread(terminate_backends)
            events.append(f"t={time.monotonic() - start:.0f}s terminated {ended} backends")
            log(events[-1])
        elif mode in ("email", "emaildb"):
            await asyncio.sleep(min(10, CONFIG.seconds / 4))
            email = await burst(sink, events, start)
            if mode == "emaildb":
                # The database drops every connection three times while the worker drains.
                for _ in range(3):
                    await asyncio.sleep(3)
                    ended = await asyncio.to_thread(terminate_backends)
                    events.append(f"t={time.monotonic() - start:.0f}s terminated {ended} backends")
                    log(events[-1])
        await asyncio.gather(*tasks)
        if email is not None and "drained_s" not in email:
            await wait_drained(email, sink, start, events)
    supervisor.cancel()
    verdict = await asyncio.to_thread(
        soak_data.verify,
        [{"email": c.email, "marker": c.marker, "acked": c.acked, "sent": c.sent} for c in clients],
        exercise_number=number,
        key=clients[0].url.rstrip("/").split("/")[-1] if clients[0].url else "",
    )
    await asyncio.to_thread(soak_data.close)
    return ModeResult(mode, time.monotonic() - start, tally, verdict, events, email)


class _NoCookies:
    """httpx must keep no cookie jar of its own: each practitioner keeps theirs."""

    def __new__(cls):
        return httpx.Cookies(http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy([])))


async def burst(sink: Sink, events: list[str], start: float) -> dict:
    soak_data = _data()
    sink.reset()
    began = time.monotonic()
    queued = await asyncio.to_thread(soak_data.burst, members=CONFIG.emails)
    await asyncio.to_thread(soak_data.close)
    queued_at = time.monotonic()
    events.append(
        f"t={queued_at - start:.0f}s queued {queued} reminders in {queued_at - began:.1f}s"
    )
    log(events[-1])
    email = {"queued": queued, "queue_seconds": queued_at - began, "queued_at": queued_at}
    asyncio.get_running_loop().create_task(wait_drained(email, sink, start, events))
    return email


async def wait_drained(email: dict, sink: Sink, start: float, events: list[str]) -> None:
    soak_data = _data()
    if email.get("watching"):
        while "drained_s" not in email and "timed_out" not in email:
            await asyncio.sleep(0.5)
        return
    email["watching"] = True
    deadline = email["queued_at"] + CONFIG.seconds + CONFIG.drain_seconds
    while time.monotonic() < deadline:
        state = await asyncio.to_thread(soak_data.queue_state)
        done = state.waiting == 0 and not state.deliveries.get("queued")
        if done and sink.count >= email["queued"]:
            break
        await asyncio.sleep(0.5)
    else:
        email["timed_out"] = True
    state = await asyncio.to_thread(soak_data.queue_state)
    await asyncio.to_thread(soak_data.close)
    elapsed = (sink.last_at or time.monotonic()) - email["queued_at"]
    email.update(
        drained_s=elapsed,
        delivered=sink.count,
        per_minute=sink.count / elapsed * 60 if elapsed > 0 else 0.0,
        tasks_waiting=state.waiting,
        tasks_by_status=state.by_status,
        deliveries=state.deliveries,
    )
    events.append(
        f"t={time.monotonic() - start:.0f}s email queue: {sink.count} delivered in "
        f"{elapsed:.0f}s, {state.waiting} tasks waiting"
    )
    log(events[-1])


def judge(result: ModeResult) -> None:
    t, v = result.tally, result.verdict
    f = result.failures
    if result.mode not in ("dbterm", "emaildb") and t.server_errors:
        f.append(f"{len(t.server_errors)} responses 5xx")
    if result.mode in ("dbterm", "emaildb") and t.server_errors:
        # Allowed only for requests in flight when the backends were terminated, each
        # retried (nothing lost is checked below): none may come later.
        ends = _event_times(result, "terminated")
        late = [s for s, _ in t.server_errors if not any(at - 2 <= s <= at + 5 for at in ends)]
        if late:
            f.append(f"{len(late)} responses 5xx more than 5 s after the termination")
    if result.mode != "kill" and t.refused_connections:
        f.append(f"{t.refused_connections} connections refused")
    if v.lost:
        f.append(f"{len(v.lost)} lost answers")
    if v.mixed_up:
        f.append(f"{len(v.mixed_up)} mixed-up answers")
    if v.acknowledged_missing:
        f.append(f"{len(v.acknowledged_missing)} practitioners with acknowledged saves missing")
    if t.conflicts:
        f.append(f"{t.conflicts} conflicts with another text")
    if t.signed_out:
        f.append(f"{t.signed_out} saves answered signed out")
    if t.sign_in_failures:
        f.append(f"{t.sign_in_failures} practitioners could not sign in")
    if t.gave_up:
        f.append(f"{t.gave_up} saves given up after {MOST_TRIES} tries")
    if t.other_failures:
        f.append(f"{len(t.other_failures)} other failures, first: {t.other_failures[0]}")
    if v.checked < CONFIG.practitioners:
        f.append("not every practitioner checked")
    if any("worker had exited" in e for e in result.events) and result.mode != "emaildb":
        f.append("the task worker exited")
    if result.email is not None:
        e = result.email
        if e.get("timed_out") or e.get("tasks_waiting"):
            f.append(f"email queue not drained ({e.get('tasks_waiting')} tasks waiting)")
        if e.get("delivered", 0) < e["queued"]:
            f.append(f"{e['queued'] - e.get('delivered', 0)} emails not delivered")
        if e.get("delivered", 0) > e["queued"]:
            f.append(f"{e['delivered'] - e['queued']} emails sent twice")
        if (e.get("deliveries") or {}).get("queued"):
            f.append(f"{e['deliveries']['queued']} deliveries still queued")


def _event_times(result: ModeResult, word: str) -> list[float]:
    """When each event naming `word` happened (seconds into the autosaving)."""
    return [
        float(event.split("s ", 1)[0].removeprefix("t="))
        for event in result.events
        if word in event and event.startswith("t=")
    ]


def table(results: list[ModeResult]) -> str:
    rows = [
        "| mode | practitioners | signing in s | autosaving s | requests | saves sent | "
        "acknowledged | save p50 ms | save p99 ms | 5xx | refused | other network errors | "
        "own-save 409s | retried to the end "
        "| lost | mixed up | acknowledged missing | result |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        t, v = r.tally, r.verdict
        rows.append(
            f"| {r.mode} | {CONFIG.practitioners} | {t.sign_in_seconds:.0f} | {r.seconds:.0f} | "
            f"{t.requests} | "
            f"{t.saves_sent} | {t.saves_acked} | {percentile(t.latencies, 50) * 1000:.0f} | "
            f"{percentile(t.latencies, 99) * 1000:.0f} | {len(t.server_errors)} | "
            f"{t.refused_connections} | {t.network_errors} | {t.own_conflicts} | "
            f"{t.gave_up} given up | {len(v.lost)} | {len(v.mixed_up)} | "
            f"{len(v.acknowledged_missing)} | {'pass' if not r.failures else 'FAIL'} |"
        )
    lines = ["\n".join(rows), ""]
    for r in results:
        if r.email:
            e = r.email
            lines.append(
                f"Email burst ({r.mode}): {e['queued']} reminders queued in "
                f"{e['queue_seconds']:.1f} s; {e.get('delivered', 0)} delivered to the SMTP "
                f"sink in {e.get('drained_s', 0):.0f} s = {e.get('per_minute', 0):.0f} emails "
                f"a minute (one worker); task rows waiting at the end: "
                f"{e.get('tasks_waiting')} (by status: {e.get('tasks_by_status')}); "
                f"deliveries: {e.get('deliveries')}"
            )
        for event in r.events:
            lines.append(f"{r.mode}: {event}")
        for failure in r.failures:
            lines.append(f"{r.mode}: FAILED: {failure}")
        if r.verdict.unacknowledged_kept:
            lines.append(
                f"{r.mode}: {r.verdict.unacknowledged_kept} stored answers are a save whose "
                "reply never came (stored, not acknowledged: allowed)"
            )
    return "\n".join(lines)


def main() -> int:
    global ENV
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = RESULTS / f"soak-{stamp}"
    run_dir.mkdir()
    ENV = app_environment(run_dir)
    os.environ.update(ENV)
    for mode in CONFIG.modes:
        if mode not in ("plain", "kill", "dbterm", "email", "emaildb"):
            raise SystemExit(f"Unknown mode {mode!r}")
    log(f"database {_database_name()}, cache {CONFIG.redis_url}, modes {CONFIG.modes}")
    prepare_database()
    flush_redis()
    log("migrate, load content, collect static files")
    manage("migrate", "--no-input", "-v0")
    manage("load_content")
    if not (RESULTS / ".soak-static" / "staticfiles.json").exists() or CONFIG.fresh:
        manage("collectstatic", "--no-input", "-v0")

    django.setup()
    soak_data = _data()
    began = time.monotonic()
    soak_data.seed(practitioners=CONFIG.practitioners, members=CONFIG.emails, password=PASSWORD)
    log(f"seeded in {time.monotonic() - began:.1f}s")
    number, _key = soak_data.exercise_target()
    sink = Sink(CONFIG.smtp_port)
    sink.controller.start()
    results: list[ModeResult] = []
    clients = [Practitioner(i) for i in range(CONFIG.practitioners)]
    try:
        for mode in CONFIG.modes:
            soak_data.reset(sessions=not results)
            soak_data.close()
            flush_redis()
            processes = Processes(run_dir)
            for port in CONFIG.ports:
                processes.start_server(port)
            processes.start_worker()
            try:
                for port in CONFIG.ports:
                    wait_for_port(port)
                log(f"mode {mode}: {CONFIG.practitioners} practitioners for {CONFIG.seconds}s")
                result = asyncio.run(drive(mode, processes, sink, number, clients))
            finally:
                processes.stop()
            judge(result)
            results.append(result)
            log(f"mode {mode}: {'pass' if not result.failures else 'FAIL'} {result.failures}")
    finally:
        sink.controller.stop()
    summary = table(results)
    header = (
        f"Soak {stamp}: {CONFIG.practitioners} practitioners, {CONFIG.seconds} s a mode, "
        f"saves every {CONFIG.min_interval:g}-{CONFIG.max_interval:g} s, 2 gunicorn instances "
        f"x {CONFIG.workers} sync workers, 1 db_worker, {os.cpu_count()} cores, "
        f"load average at the end {os.getloadavg()[0]:.1f}\n\n"
    )
    print("\n" + header + summary)
    (RESULTS / f"soak-{stamp}.md").write_text(header + summary + "\n")
    shutil.rmtree(run_dir / "unused", ignore_errors=True)
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
