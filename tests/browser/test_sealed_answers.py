"""Sealed answers in Chromium (issue 11, point 2): a page prepares sealing
with the key the server serves, queues a response with {seal: true}, and the
device's outbox (IndexedDB) then holds neither the answer text nor the link
token; sent, the server opens it and stores the answers; the same sealed
body changed on its way is rejected, naming the field, with a reason."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import pytest

from tests.browser.conftest import PHONE
from tests.browser.offline_helpers import call_module, flush, outbox, token_of
from tests.conftest import PARENT_ANSWERS, PARENT_FORM_VERSION

COMMENT = "Nobody asked what I thought about contact"

SEAL_AND_QUEUE = """async (item) => {
  const base = document.querySelector('script[src*="/js/app.js"]').src;
  const seal = await import(new URL("./seal.js", base).href);
  const { enqueue } = await import(new URL("./outbox.js", base).href);
  const key = await (await fetch("/api/v1/sealing-key")).json();
  await seal.prepareSealing(key);
  await enqueue(item, { seal: true });
  return key.kid;
}"""

POST = """async (item) => {
  const reply = await fetch("/api/v1/responses", {method: "POST", headers: {"Content-Type": "application/json"},
                                                  body: JSON.stringify({responses: [item]})});
  return (await reply.json()).results[0];
}"""


def test_a_response_sealed_in_the_browser_is_unreadable_on_the_device_and_stored_by_the_server(
    browser, live_server, sealing_key_folder, survey_path_for, stored_responses
):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, service_workers="block")
    page = context.new_page()
    token = token_of(survey_path_for("parent-review"))
    page.goto("/")
    item = {
        "id": str(uuid.uuid4()),
        "form": "parent-review",
        "form_version": PARENT_FORM_VERSION,
        "invitation": token,
        "submitted_at": datetime.now(timezone.utc).isoformat(),
        "locale": "en-GB",
        "answers": {**PARENT_ANSWERS, "comment": COMMENT},
    }

    kid = page.evaluate(SEAL_AND_QUEUE, item)
    [record] = outbox(page)
    on_device = json.dumps(record)

    assert record["item"]["sealed"]["kid"] == kid and record["id"] == item["id"]
    assert COMMENT not in on_device and "contact" not in on_device
    assert token not in on_device and "parent-review" not in on_device

    tampered = dict(record["item"], sealed=dict(record["item"]["sealed"], ciphertext="A" + record["item"]["sealed"]["ciphertext"][1:]))
    refused = page.evaluate(POST, tampered)
    assert refused["status"] == "rejected"
    assert refused["errors"][0]["field"] == "sealed.ciphertext"
    assert "changed after sealing" in refused["errors"][0]["message"]

    summary = flush(page)["summary"]
    assert summary["sent"] == 1 and outbox(page) == []
    [response] = stored_responses()
    assert (response.id, response.status, response.problems) == (item["id"], "accepted", [])
    assert {answer.question_key: answer.value_text for answer in response.answers}["comment"] == COMMENT
    assert "sealed" not in response.raw
    context.close()


def test_without_a_prepared_key_nothing_is_queued(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, service_workers="block")
    page = context.new_page()
    page.goto("/")

    error = page.evaluate(
        """async () => {
          const base = document.querySelector('script[src*="/js/app.js"]').src;
          const { enqueue } = await import(new URL("./outbox.js", base).href);
          try { await enqueue({id: crypto.randomUUID(), answers: {comment: "secret"}}, {seal: true}); return null; }
          catch (error) { return error.name; }
        }"""
    )

    assert error == "SealingUnavailable"
    assert call_module(page, "./outbox.js", "pending") == []
    context.close()
