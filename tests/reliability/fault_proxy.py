"""A fault-injecting HTTP proxy on loopback, one request a connection.

Each request is read whole from the client, then, at random (seeded), one of:
- ``drop_request``: the connection is closed and the server never sees it;
- ``drop_response``: the server handles it, then the connection is closed
  before any of its reply reaches the client;
- ``reset``: the connection is reset (RST), either before the request is
  forwarded or after the server handled it, part way through its reply;
- ``delay``: forwarded and answered whole, but late;
- nothing: forwarded and answered whole.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter

FAULTS = ("drop_request", "drop_response", "reset", "delay")
HEAD_END = b"\r\n\r\n"


def read_request(connection: socket.socket) -> bytes | None:
    """One HTTP request (head and Content-Length body), or None if the client left."""
    data = b""
    while HEAD_END not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(HEAD_END)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + HEAD_END + body


def reset(connection: socket.socket) -> None:
    """Close with RST instead of FIN: the client sees 'connection reset'."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


class FaultProxy:
    """with FaultProxy(upstream_port, seed, rates) as proxy: clients use proxy.port.

    ``rates`` maps a fault in FAULTS to its probability per request;
    ``injected`` counts the faults made, ``forwarded`` the requests the server saw."""

    def __init__(self, upstream_port: int, seed: int, rates: dict[str, float], delay_seconds: tuple[float, float] = (0.02, 0.2)):
        unknown = set(rates) - set(FAULTS)
        if unknown or sum(rates.values()) >= 1:
            raise ValueError(f"rates must name faults in {FAULTS} and sum below 1: {rates}")
        self.upstream = ("127.0.0.1", upstream_port)
        self.rates = rates
        self.delay_seconds = delay_seconds
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.forwarded = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.handlers: list[threading.Thread] = []
        self.acceptor = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)

    def __enter__(self) -> FaultProxy:
        self.acceptor.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        self.acceptor.join(timeout=5)
        self.listener.close()
        for handler in self.handlers:
            handler.join(timeout=30)

    def _accept(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            handler = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self.handlers.append(handler)
            handler.start()

    def _draw(self) -> tuple[str | None, float, float]:
        """A fault (or None), a delay, and where in the reply a reset cuts it."""
        with self.lock:
            roll = self.random.random()
            fault = None
            for name, rate in self.rates.items():
                if roll < rate:
                    fault = name
                    break
                roll -= rate
            if fault:
                self.injected[fault] += 1
            return fault, self.random.uniform(*self.delay_seconds), self.random.random()

    def _serve(self, client: socket.socket) -> None:
        with client:
            client.settimeout(30)
            try:
                request = read_request(client)
            except OSError:
                return
            if request is None:
                return
            fault, delay, cut = self._draw()
            if fault == "drop_request":
                return
            if fault == "reset" and cut < 0.5:
                reset(client)
                return
            if fault == "delay":
                time.sleep(delay)
            reply = self._forward(request)
            with self.lock:
                self.forwarded += 1
            if fault == "drop_response" or not reply:
                return
            try:
                if fault == "reset":
                    # Part of the reply, never all of it, then a reset.
                    client.sendall(reply[: int(len(reply) * (cut - 0.5) * 2)])
                    reset(client)
                    return
                client.sendall(reply)
            except OSError:
                pass

    def _forward(self, request: bytes) -> bytes:
        """The server's whole reply (it closes the connection after one)."""
        try:
            with socket.create_connection(self.upstream, timeout=60) as upstream:
                upstream.sendall(request)
                chunks = []
                while chunk := upstream.recv(65536):
                    chunks.append(chunk)
                return b"".join(chunks)
        except OSError:
            return b""
