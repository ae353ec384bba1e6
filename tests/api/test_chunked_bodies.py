"""A body sent in chunks (no Content-Length) over the size limit is refused
with 413, as one with a Content-Length is; never cut short at the limit and
parsed as if it were whole. Through the Flask client with what a de-chunking
server hands the app, and through Werkzeug's server on a real socket."""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading

import pytest
from werkzeug.serving import make_server

LIMIT = 4096
RESPONSES_URL = "/api/v1/responses"


def batch_of_size(size: int, items: list | None = None) -> bytes:
    """A valid JSON batch padded with spaces to exactly `size` bytes."""
    body = json.dumps({"responses": items or []}).encode()
    return body + b" " * (size - len(body))


@pytest.fixture
def small_limit_app(backend, app_with):
    return app_with(backend, MAX_CONTENT_LENGTH=LIMIT)


def post_chunked(app, body: bytes, content_type: str = "application/json"):
    """What gunicorn or Werkzeug's server hands the app for a chunked request."""
    environ = {
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "CONTENT_TYPE": content_type,
    }
    return app.test_client().open(RESPONSES_URL, method="POST", environ_overrides=environ)


@pytest.mark.parametrize("size", [LIMIT + 1, 3 * LIMIT])
def test_a_chunked_batch_over_the_limit_is_413_in_json(small_limit_app, size):
    reply = post_chunked(small_limit_app, batch_of_size(size))

    assert reply.status_code == 413
    assert reply.json["error"]["status"] == 413
    assert f"larger than {LIMIT} bytes" in reply.json["error"]["message"]


@pytest.mark.parametrize("size", [100, LIMIT])
def test_a_chunked_batch_within_the_limit_is_read_whole(small_limit_app, size):
    reply = post_chunked(small_limit_app, batch_of_size(size))

    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert reply.json == {"results": []}


def test_a_chunked_batch_with_an_item_is_stored(app, make_item, make_invitation, stored_responses):
    item = make_item(make_invitation())

    reply = post_chunked(app, json.dumps({"responses": [item]}).encode())

    assert [result["status"] for result in reply.json["results"]] == ["created"]
    assert [response.id for response in stored_responses()] == [item["id"]]


def test_over_a_real_socket_a_chunked_body_over_the_limit_is_413(small_limit_app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = make_server("127.0.0.1", port, small_limit_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        replies = {}
        for size in (LIMIT, LIMIT + 1):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            body = batch_of_size(size)
            chunks = (body[start : start + 1000] for start in range(0, len(body), 1000))
            connection.request("POST", RESPONSES_URL, body=chunks, headers={"Content-Type": "application/json"}, encode_chunked=True)
            reply = connection.getresponse()
            replies[size] = (reply.status, json.loads(reply.read()))
            connection.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    assert replies[LIMIT] == (200, {"results": []})
    status, body = replies[LIMIT + 1]
    assert status == 413 and body["error"]["status"] == 413
