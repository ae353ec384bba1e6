"""A gunicorn server for the reliability suites, the devices' survey links on
it, and the check of what it stored against what the devices sent.

gunicorn runs three sync workers serving wsgi:app, configured as in
production through PACE_* variables, with the sync API's rate limit off; it
is stopped by its process group, so no worker outlives the run."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

from pace_forms.config import PROJECT_ROOT
from pace_forms.extensions import db
from pace_forms.forms.catalogue import publish_form_versions
from pace_forms.invitations.services import create_invitation, find_or_create_area, find_or_create_child, find_or_create_review
from pace_forms.models import Response
from tests.conftest import TEST_SECRET, make_test_app
from tests.reliability.devices import Device, run_devices, summed

WORKERS = 3
# Shorter than the default 30 s so that the lock test waits seconds, not half a minute.
SQLITE_BUSY_TIMEOUT_SECONDS = 2
SCALE_QUESTIONS = ("reports_in_time", "had_say", "listened_to", "understood_plan", "understood_why", "knows_next", "respected", "knows_contact", "overall")
PHRASES = ("It went well.", "Too long, but kind people.", "I would like the reports sooner.", "Nobody explained the plan.", "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    backend: str
    port: int
    process: subprocess.Popen
    # The test's own app on the server's database (connections without the server's application_name).
    app: Flask
    application_name: str
    log: Path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def wait_for_workers(self, seconds: float = 30) -> bool:
        """Whether all the workers are running (again) within `seconds`."""
        deadline = time.monotonic() + seconds
        while len(self.worker_pids()) != WORKERS:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def make_devices(self, make_item, count: int, per_device: int, batch_size: int, seed: int, port: int | None = None) -> list[Device]:
        """Devices with their responses, each on a survey link of its own
        (one area a call, one child and review a device), with answers drawn
        at random so that a mix-up between items shows."""
        rng = random.Random(seed)
        area_code = f"R{uuid.uuid4().hex[:8].upper()}"
        app = self.app
        devices = []
        with app.app_context():
            area = find_or_create_area(area_code, "Reliability")
            for number in range(count):
                review = find_or_create_review(find_or_create_child(area, f"C-{number}", "8-11"), date(2026, 11, 2), "later")
                now = datetime.now(timezone.utc)
                tokens = [create_invitation(review, "parent", "parent-review", valid_days=28, now=now).token for _ in range(per_device)]
                items = [make_item(token, answers=self._answers(number, index, rng)) for index, token in enumerate(tokens)]
                devices.append(Device(f"device-{number}", port or self.port, items, batch_size, rng.randrange(1 << 30)))
            db.session.commit()
            db.session.remove()
        return devices

    @staticmethod
    def _answers(device: int, index: int, rng: random.Random) -> dict:
        answers = {key: rng.randint(1, 5) for key in rng.sample(SCALE_QUESTIONS, rng.randint(1, len(SCALE_QUESTIONS)))}
        answers["attended"] = rng.choice(["all", "part", "not_there"])
        answers["helped_by"] = rng.choice(["alone", "family", "worker", "advocate", "other"])
        comment = rng.choice(PHRASES)
        if comment:
            answers["comment"] = f"{comment} (device {device}, survey {index})"
        return answers

    def response_count(self) -> int:
        app = self.app
        with app.app_context():
            count = db.session.execute(db.select(db.func.count()).select_from(Response)).scalar_one()
            db.session.remove()
        return count

    def stored(self, ids: list[str]) -> dict[str, tuple[str, dict, dict]]:
        """id -> (status, the answers kept in raw, {question: number or text} of its answer rows)."""
        app = self.app
        found = {}
        with app.app_context():
            for start in range(0, len(ids), 500):
                rows = db.session.execute(
                    db.select(Response).options(db.selectinload(Response.answers)).where(Response.id.in_(ids[start : start + 500]))
                ).scalars()
                for row in rows:
                    values = {answer.question_key: answer.value_text if answer.value_number is None else answer.value_number for answer in row.answers}
                    found[row.id] = (row.status, dict(row.raw["answers"]), values)
            db.session.remove()
        return found


@dataclass
class Delivery:
    """What became of the devices' responses: lost (not stored, or stored
    but not counted), doubled (any other new row), wrong (answers that differ
    from the device's), waiting (still on a device); and what the devices
    were answered, per request and per item."""

    outcome: dict[str, int]
    replies: Counter
    results: Counter


def deliver(server: Server, devices: list[Device], seconds: float = 120) -> Delivery:
    """Runs the devices until their outboxes are empty (or time is up), then
    compares what the server holds with what they sent."""
    count_before = server.response_count()
    run_devices(devices, seconds)
    sent = {item["id"]: item for device in devices for item in device.items}
    stored = server.stored(list(sent))
    wrong = 0
    for response_id, (status, raw_answers, values) in stored.items():
        answers = sent[response_id]["answers"]
        expected_values = {key: float(value) if isinstance(value, int) else value for key, value in answers.items()}
        if raw_answers != answers or values != expected_values:
            wrong += 1
    outcome = {
        "lost": len(sent) - sum(1 for status, *_ in stored.values() if status == "accepted"),
        "doubled": server.response_count() - count_before - len(stored),
        "wrong": wrong,
        "waiting": sum(len(device.outbox) for device in devices),
    }
    return Delivery(outcome, summed(devices, "replies"), summed(devices, "results"))


def start_gunicorn(backend: str, url: str, server_url: str, application_name: str, log: Path) -> Server:
    server_app = make_test_app(url)
    with server_app.app_context():
        upgrade()
        publish_form_versions()
        db.session.commit()
        db.session.remove()
    port = free_port()
    env = {
        **os.environ,
        "PACE_DATABASE_URL": server_url,
        "PACE_SECRET_KEY": TEST_SECRET,
        "PACE_RATELIMIT_ENABLED": "false",
        "PACE_SQLITE_BUSY_TIMEOUT_SECONDS": str(SQLITE_BUSY_TIMEOUT_SECONDS),
    }
    command = [sys.executable, "-m", "gunicorn", "--config", str(Path(__file__).with_name("gunicorn_warm.py")), "--workers", str(WORKERS), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
               "--timeout", "30", "--graceful-timeout", "3", "--error-logfile", str(log), "wsgi:app"]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(backend, port, process, server_app, application_name, log)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start: {server.log_tail()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5) as reply:
                if reply.status == 200 and server.wait_for_workers(0):
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"gunicorn did not answer within 90 s: {server.log_tail()}")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """The master and every worker: the whole process group."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
    try:
        # Workers left by a master that died first.
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
