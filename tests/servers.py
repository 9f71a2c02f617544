"""Real servers for tests that need more than the test client: gunicorn, and a person's HTTP client.

Shared by the gunicorn live test and the fault tests (tests/fault/), so each starts, restarts and
stops the app the way the README's production section does.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from webinar.config import ROOT

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client (one person)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, headers: dict | None = None, timeout: float = 10):
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def token(self, page: str) -> str:
        return CSRF.search(self.get(page)[2]).group(1)

    def post(self, path: str, data: dict, token_from: str, headers: dict | None = None,
             timeout: float = 10):
        body = urllib.parse.urlencode({"csrf_token": self.token(token_from), **data}).encode()
        return self.post_raw(path, body, headers, timeout)

    def post_raw(self, path: str, body: bytes, headers: dict | None = None,
                 timeout: float = 10):
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode()


@dataclass
class Gunicorn:
    """One app instance: a gunicorn master with its workers, as the README runs it."""

    database_url: str
    workers: int = 4
    worker_class: str = "sync"
    threads: int = 1
    secret_key: str = "gunicorn-test"  # noqa: S105 - a test secret shared by instances
    extra_env: dict = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Gunicorn:
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": self.secret_key,
               "BASE_URL": self.base, **self.extra_env}
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
             "--worker-class", self.worker_class, "--threads", str(self.threads),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--graceful-timeout", "10", "wsgi:app"],
            cwd=ROOT, env=env)
        self.wait_healthy(timeout, answers=self.workers * 5)
        return self

    def wait_healthy(self, timeout: float = 5, answers: int = 1) -> float:
        """Wait until /healthz has answered 200 `answers` times; return the seconds it took."""
        started = time.monotonic()
        ready = 0
        while ready < answers:
            if time.monotonic() - started > timeout:
                raise AssertionError(f"/healthz not back within {timeout} s")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:  # noqa: S310
                    ready += response.status == 200
            except OSError:
                time.sleep(0.05)
        return time.monotonic() - started

    def worker_pids(self) -> list[int]:
        """The master's current worker processes (children)."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)],  # noqa: S607
                             capture_output=True, text=True, check=False).stdout
        return [int(pid) for pid in out.split()]

    def reload(self) -> None:
        """Rolling restart: gunicorn starts new workers, then lets the old ones finish (HUP)."""
        self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def seed_user(database_url: str, email: str, password: str, role: str = "participant",
              name: str = "Anna") -> int:
    """Create a user straight in the database (as `flask create-user` does); return its id."""
    from webinar import create_app, db
    from webinar.auth import services
    from webinar.models import Role

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "seed"})
    with app.app_context():
        user = services.register(email, password, name, "en", Role(role))
        db.session().commit()
        user_id = user.id
    app.extensions["db_engine"].dispose()
    return user_id


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, grandchildren, ...)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="],  # noqa: S607
                         capture_output=True, text=True, check=False).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        child, parent = map(int, line.split())
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether a process with this id still runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def multipart(fields: dict, files: dict) -> tuple[bytes, dict]:
    """A multipart/form-data body and its header: `files` maps a field to (filename, bytes)."""
    boundary = f"----fault{os.urandom(8).hex()}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


@contextlib.contextmanager
def scratch_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `server_url`, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            # FORCE: a killed worker's connection may still linger on the server.
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
