"""A flaky network between 20 devices and a real server: 2,000 responses sent
through a proxy that drops requests, drops replies after the server handled
them, resets connections and delays, at random (seeded). The devices follow
the outbox's rules; the server ends with exactly 2,000 responses, each with
the answers its device sent."""

from __future__ import annotations

from tests.evidence import tally
from tests.reliability.served import deliver
from tests.reliability.fault_proxy import FaultProxy

DEVICES = 20
PER_DEVICE = 100
BATCH = 8
RATES = {"drop_request": 0.06, "drop_response": 0.08, "reset": 0.08, "delay": 0.08}


def test_2000_responses_through_a_flaky_network_are_stored_exactly_once_with_their_answers(server, make_item, fault_seed, report_faults):
    with FaultProxy(server.port, fault_seed, RATES) as proxy:
        devices = server.make_devices(make_item, DEVICES, PER_DEVICE, BATCH, fault_seed, port=proxy.port)
        delivery = deliver(server, devices)

    faults = dict(proxy.injected)
    replies, results = delivery.replies, delivery.results
    report_faults(f"flaky network ({server.backend}, seed {fault_seed}): {faults}; requests the server saw {proxy.forwarded}; replies {dict(replies)}; item results {dict(results)}")
    tally("flaky network", faults=sum(faults.values()), **faults, responses=DEVICES * PER_DEVICE - delivery.outcome["lost"], lost=delivery.outcome["lost"], doubled=delivery.outcome["doubled"])

    where = f"(seed {fault_seed}, {server.backend}; faults {faults}; replies {dict(replies)})"
    assert delivery.outcome == {"lost": 0, "doubled": 0, "wrong": 0, "waiting": 0}, where
    assert replies["http 500"] == 0, where
    # The faults did bite: replies were lost after the server stored their
    # items, and the resends were answered as duplicates, not stored again.
    assert all(faults.get(kind, 0) > 0 for kind in RATES), where
    assert results["duplicate"] > 0, where
    assert set(results) == {"created", "duplicate"}, where
    assert results["created"] <= DEVICES * PER_DEVICE, where
