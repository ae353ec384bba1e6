"""Crashes and database trouble while 20 devices send: gunicorn workers
killed (SIGKILL) in the middle of batches and started again, PostgreSQL
connections cut with pg_terminate_backend, SQLite's write lock held by
another process. Replies are clear 503s with Retry-After, never a 500, and
once the devices have retried every response is stored once, with its answers."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from pace_forms.extensions import db
from tests.conftest import BACKENDS
from tests.evidence import tally
from tests.reliability.served import SQLITE_BUSY_TIMEOUT_SECONDS, deliver

DEVICES = 20
PER_DEVICE = 20
BATCH = 8
SUITE = "crashes and database trouble"
ROUNDS = 4


@contextmanager
def meanwhile(action, every: tuple[float, float], seed: int, limit: int, enough=lambda: False):
    """Runs action() (which returns how many faults it made) every few
    seconds, at random within `every`, while the block runs, at most `limit`
    times or until enough() is true; yields a list whose sum is the faults made."""
    made: list[int] = []
    stop = threading.Event()
    rng = random.Random(seed)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            while len(made) < limit and not enough() and not stop.wait(rng.uniform(*every)):
                made.append(action(rng))
        except BaseException as error:  # reported in the test's thread
            failures.append(error)

    thread = threading.Thread(target=work, name="troublemaker")
    thread.start()
    try:
        yield made
    finally:
        stop.set()
        thread.join()
    if failures:
        raise failures[0]


def check(delivery, where: str) -> None:
    assert delivery.outcome == {"lost": 0, "doubled": 0, "wrong": 0, "waiting": 0}, where
    assert delivery.replies["http 500"] == 0, where
    assert set(delivery.results) <= {"created", "duplicate"}, where


def test_workers_killed_mid_batch_are_restarted_and_nothing_is_lost_or_doubled(server, make_item, fault_seed, report_faults):
    devices: list = []
    deliveries: list = []

    def kill_a_worker(rng: random.Random) -> int:
        workers = server.worker_pids()
        try:
            os.kill(rng.choice(workers), signal.SIGKILL)
        except (IndexError, ProcessLookupError):
            return 0  # between a worker's end and its successor's start
        return 1

    def landed() -> bool:
        # A worker killed while idle harms no one: kill until three have been
        # killed while handling a batch (its device saw the connection drop).
        return sum(device.replies["network"] for device in devices) >= 3

    # A fast server can finish a round of devices before three kills land
    # mid-batch: another round of new devices, until they have (at most 4).
    with meanwhile(kill_a_worker, (0.2, 0.5), fault_seed, limit=30, enough=landed) as kills:
        for round_number in range(ROUNDS):
            new_devices = server.make_devices(make_item, DEVICES, PER_DEVICE, BATCH, fault_seed + round_number)
            devices.extend(new_devices)
            deliveries.append(deliver(server, new_devices))
            if landed():
                break

    replies = sum((delivery.replies for delivery in deliveries), Counter())
    where = f"(seed {fault_seed}, {server.backend}; {sum(kills)} workers killed; {len(deliveries)} rounds; replies {dict(replies)})"
    report_faults(f"{SUITE} ({server.backend}): {sum(kills)} workers killed; replies {dict(replies)}")
    lost = sum(delivery.outcome["lost"] for delivery in deliveries)
    tally(SUITE, faults=sum(kills), workers_killed=sum(kills), responses=len(deliveries) * DEVICES * PER_DEVICE - lost,
          lost=lost, doubled=sum(delivery.outcome["doubled"] for delivery in deliveries))
    for delivery in deliveries:
        check(delivery, where)
    # Killed while handling a batch: its device saw the connection drop.
    assert replies["network"] >= 3, where
    # gunicorn started a worker again for each one killed.
    assert server.wait_for_workers(), where


def cut_connections(server):
    def cut(rng: random.Random) -> int:
        with server.app.app_context():
            with db.engine.begin() as connection:
                # In the select list, so it runs only for the rows the filter keeps.
                ended = connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": server.application_name},
                ).scalars()
                return sum(ended)

    return cut


def check_busy_replies(delivery, where: str) -> None:
    """The trouble was seen as 503s, each saying when to try again."""
    assert delivery.replies["http 503"] > 0, where
    assert delivery.replies["busy without Retry-After"] == 0, where


@pytest.mark.parametrize("server", [backend for backend in BACKENDS if backend == "postgresql"], indirect=True)
def test_postgresql_connections_cut_give_503s_and_nothing_is_lost_or_doubled(server, make_item, fault_seed, report_faults):
    devices = server.make_devices(make_item, DEVICES, PER_DEVICE, BATCH, fault_seed)

    with meanwhile(cut_connections(server), (0.05, 0.2), fault_seed, limit=40) as cuts:
        delivery = deliver(server, devices)

    where = f"(seed {fault_seed}; {sum(cuts)} connections cut; replies {dict(delivery.replies)})"
    report_faults(f"{SUITE} (postgresql): {sum(cuts)} connections cut; replies {dict(delivery.replies)}")
    tally(SUITE, faults=sum(cuts), connections_cut=sum(cuts), responses=DEVICES * PER_DEVICE - delivery.outcome["lost"], **delivery.outcome)
    check(delivery, where)
    check_busy_replies(delivery, where)


# Holds SQLite's write lock from another process, says so, and lets go after a while.
LOCKER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""


@contextmanager
def sqlite_locked_by_another_process(path: str, seconds: float):
    with subprocess.Popen([sys.executable, "-c", LOCKER, path, str(seconds)], stdout=subprocess.PIPE, text=True) as locker:
        try:
            assert locker.stdout.readline().strip() == "locked"
            yield
            assert locker.wait(timeout=60) == 0
        finally:
            if locker.poll() is None:
                locker.kill()


@pytest.mark.parametrize("server", [backend for backend in BACKENDS if backend == "sqlite"], indirect=True)
def test_sqlite_locked_by_another_process_gives_503s_and_nothing_is_lost_or_doubled(server, make_item, fault_seed, report_faults):
    devices = server.make_devices(make_item, DEVICES, PER_DEVICE, BATCH, fault_seed)
    hold = SQLITE_BUSY_TIMEOUT_SECONDS * 2.5

    # Taken before the devices start, so that their first batches meet it.
    with sqlite_locked_by_another_process(server.app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :], hold):
        delivery = deliver(server, devices)

    where = f"(seed {fault_seed}; lock held {hold} s; replies {dict(delivery.replies)})"
    report_faults(f"{SUITE} (sqlite): write lock held {hold} s by another process; replies {dict(delivery.replies)}")
    tally(SUITE, faults=1, lock_held=1, responses=DEVICES * PER_DEVICE - delivery.outcome["lost"], **delivery.outcome)
    check(delivery, where)
    check_busy_replies(delivery, where)
