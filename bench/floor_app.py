"""The "floor" server of bench/load.py: the least a sync endpoint can do.

A minimal WSGI app, run under the same gunicorn settings as the real one: a
POST parses the JSON batch and stores every answer of every response in one
INSERT ... executemany into a plain table (no checks, no links, no
duplicates found), commits, and says each item was created. Any GET answers
200 (for the start-up probe). PostgreSQL only (PACE_DATABASE_URL).

    gunicorn --chdir bench floor_app:app
"""

from __future__ import annotations

import json
import os

import psycopg

TABLE = "floor_answer"
_connection = None


def connection():
    """One connection per worker process, opened on its first request."""
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["PACE_DATABASE_URL"])
    return _connection


def app(environ, start_response):
    if environ["REQUEST_METHOD"] != "POST":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    items = json.loads(body)["responses"]
    rows = [(item["id"], item["form"], key, json.dumps(value)) for item in items for key, value in item["answers"].items()]
    database = connection()
    with database.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {TABLE} (response_id, form_key, question_key, value) VALUES (%s, %s, %s, %s)", rows)
    database.commit()
    reply = json.dumps({"results": [{"id": item["id"], "status": "created"} for item in items]}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(reply)))])
    return [reply]
