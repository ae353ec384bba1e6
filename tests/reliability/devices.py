"""Simulated devices that follow the outbox's rules (static/js/outbox.js and
the back-off in static/js/app.js, docs/sync.md "The device"), in Python:

- records are kept by the id made on the device; a resend sends the same id
  and the same content, never a new one;
- a sync sends everything waiting, a batch at a time, in the order queued;
- an item leaves only when the server's result for it, matched by id, is
  created, duplicate, conflict or quarantined; a rejected item stays;
- a network error, a 5xx, a 429, or a reply that cannot be read or does not
  answer for every item keeps everything and ends the sync; the device
  tries again after a back-off that doubles (with up to 20% jitter) and goes
  back to the first delay after a sync that went through;
- a 413 sends the same records again in halves.

Delays are the app's divided by 1,000 (15 s doubling to 10 min becomes
15 ms doubling to 0.6 s). Batches are smaller than the app's first batch of
50 so that 2,000 responses make many requests.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

RESPONSES_PATH = "/api/v1/responses"
STORED_BY_SERVER = {"created", "duplicate", "conflict", "quarantined"}
FIRST_RETRY_SECONDS = 0.015
LONGEST_RETRY_SECONDS = 0.6


class SyncFailed(Exception):
    """The batch was not answered: everything stays for the next try."""


@dataclass
class Device:
    name: str
    port: int
    items: list[dict]
    batch_size: int
    seed: int
    outbox: dict[str, dict] = field(default_factory=dict)
    # What came back: "http 200", "http 503", "network", "unreadable"...
    replies: Counter = field(default_factory=Counter)
    # Per item result, by status.
    results: Counter = field(default_factory=Counter)
    problems: dict[str, str] = field(default_factory=dict)
    # Ids the server answered for as stored, and so left the outbox.
    stored: set[str] = field(default_factory=set)

    def run(self, deadline: float) -> None:
        """Queue the items a few at a time (as surveys are filled in), syncing
        after each, then keep trying until the outbox is empty or time is up."""
        rng = random.Random(self.seed)
        to_fill = list(self.items)
        delay = FIRST_RETRY_SECONDS
        while (to_fill or self.outbox) and time.monotonic() < deadline:
            count = rng.randint(1, self.batch_size)
            for item in to_fill[:count]:
                self.outbox[item["id"]] = item
            del to_fill[:count]
            try:
                self.sync()
                delay = FIRST_RETRY_SECONDS
            except SyncFailed:
                time.sleep(delay + rng.random() * 0.2 * delay)
                delay = min(delay * 2, LONGEST_RETRY_SECONDS)

    def sync(self) -> None:
        """outbox.js sendAll: every waiting record, a batch at a time."""
        records = list(self.outbox.values())
        batch_size = self.batch_size
        start = 0
        while start < len(records):
            batch = records[start : start + batch_size]
            status, headers, body = self.post(batch)
            self.replies[f"http {status}"] += 1
            if status in (429, 503) and not headers.get("Retry-After"):
                self.replies["busy without Retry-After"] += 1
            if status == 413 and len(batch) > 1:
                batch_size = max(1, len(batch) // 2)
                continue
            if status >= 500 or status == 429:
                raise SyncFailed(status)
            if status != 200:
                # A 4xx for the whole batch: kept, with the reason; retrying cannot help yet.
                self.problems.update({record["id"]: f"HTTP {status}" for record in batch})
                start += len(batch)
                continue
            try:
                results = json.loads(body)["results"]
            except (ValueError, KeyError, TypeError) as error:
                self.replies["unreadable"] += 1
                raise SyncFailed("unreadable") from error
            if not isinstance(results, list) or len(results) != len(batch):
                self.replies["unreadable"] += 1
                raise SyncFailed("not every item answered")
            for record, result in zip(batch, results):
                self.results[result.get("status")] += 1
                if result.get("id") == record["id"] and result.get("status") in STORED_BY_SERVER:
                    del self.outbox[record["id"]]
                    self.stored.add(record["id"])
                else:
                    self.problems[record["id"]] = json.dumps(result)
            start += len(batch)

    def post(self, batch: list[dict]) -> tuple[int, dict[str, str], bytes]:
        body = json.dumps({"responses": batch}).encode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "POST",
                RESPONSES_PATH,
                body=body,
                headers={"Content-Type": "application/json", "Accept": "application/json", "Connection": "close"},
            )
            reply = connection.getresponse()
            return reply.status, dict(reply.getheaders()), reply.read()
        except (OSError, http.client.HTTPException) as error:
            self.replies["network"] += 1
            raise SyncFailed("offline") from error
        finally:
            connection.close()


def run_devices(devices: list[Device], seconds: float) -> None:
    """Every device in its own thread, until all are done or time is up."""
    deadline = time.monotonic() + seconds
    failures: list[BaseException] = []

    def work(device: Device) -> None:
        try:
            device.run(deadline)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=work, args=(device,), name=device.name) for device in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def summed(devices: list[Device], what: str) -> Counter:
    """The devices' replies or results, added up."""
    total: Counter = Counter()
    for device in devices:
        total.update(getattr(device, what))
    return total
