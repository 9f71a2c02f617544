"""Issue #19's benchmark: 10,000 queued mails (one cohort's reminders) sent by the outbox's sender
to a local SMTP server, against a bare smtplib loop sending the same messages.

Prints, measured side by side in this run: mails per second of both, their ratio, and the
sender's peak memory. The sender is `flask send-mail` in its own process, as in production, its
start included; the bare loop gets its messages built beforehand. The outbox does more per mail,
on purpose: it builds the message from the row, and commits twice (the row as "finalizing"
before the final dot, then "sent"), which is what makes a killed sender never send a mail twice.

Run: .venv/bin/python benchmarks/mail_outbox.py [--mails 10000]
     [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]  (makes its own
     code123_bench_mail database there)
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAILS = int(sys.argv[sys.argv.index("--mails") + 1]) if "--mails" in sys.argv else 10_000
DATABASE_URL = (sys.argv[sys.argv.index("--database-url") + 1]
                if "--database-url" in sys.argv else None)


def _vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # it has just ended
        pass
    return 0.0


class Counting:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.count += 1
        return "250 OK"


def _bare(port: int, messages: list[EmailMessage]) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for message in messages:
            smtp.send_message(message)
    return time.perf_counter() - start


def main() -> None:
    from aiosmtpd.controller import Controller
    from sqlalchemy import create_engine, make_url, select, text

    from tests.servers import free_port
    from webinar import create_app, db, outbox
    from webinar.migrate import upgrade
    from webinar.models import OutboxMail

    url = DATABASE_URL
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='mail-bench-')) / 'bench.db'}"
    else:  # a database of its own, made afresh
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS code123_bench_mail"))
            connection.execute(text("CREATE DATABASE code123_bench_mail"))
        admin.dispose()
        url = make_url(url).set(database="code123_bench_mail").render_as_string(
            hide_password=False)
    upgrade(url)
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": controller.port, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.test_request_context("/"):
        start = time.perf_counter()
        for n in range(MAILS):
            outbox.enqueue(f"deelnemer{n}@example.nl", "Herinnering: je herbeoordeling",
                           f"Beste deelnemer {n},\n\nover een week is je herbeoordeling.", "bench")
            if n % 1000 == 999:
                db.session().commit()
        db.session().commit()
        queued = time.perf_counter() - start
        messages = [outbox.message_of(mail) for mail in db.session().scalars(
            select(OutboxMail).order_by(OutboxMail.id))]
    bare = _bare(controller.port, messages)
    handler.count = 0
    del messages
    # The sender as it runs in production: `flask send-mail` in a process of its own (its start
    # included), so its peak memory is its own.
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": url, "SECRET_KEY": "bench",
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port)}
    start = time.perf_counter()
    sender = subprocess.Popen([sys.executable, "-m", "flask", "send-mail",  # noqa: S603
                               "--batch", "200"], cwd=ROOT, env=env)
    # Its own high-water mark, read while it runs: the rusage of a child would count the copy
    # of this (much larger) process that it was forked from before it started flask.
    peak = 0.0
    while sender.poll() is None:
        peak = max(peak, _vm_hwm_mb(sender.pid))
        time.sleep(0.1)
    sent = time.perf_counter() - start
    assert sender.returncode == 0, sender.returncode
    assert handler.count == MAILS, handler.count
    controller.stop()
    where = "PostgreSQL" if DATABASE_URL else "SQLite"
    print(f"{MAILS} mails, {where}: queued in {queued:.1f} s ({MAILS / queued:.0f}/s)")
    print(f"bare smtplib loop: {MAILS / bare:.0f} mails/s; outbox sender: {MAILS / sent:.0f} "
          f"mails/s; sender / bare = {bare / sent:.2f}x")
    print(f"peak memory of the sender process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
