"""The relay `make reliability` cuts to take PostgreSQL or Redis away: while cut, open connections are reset and new
ones refused; restored, it relays again on the same port."""

import socket
import threading
from collections.abc import Iterator

import pytest

from reliability.proxy import TcpProxy


@pytest.fixture
def echo_port() -> Iterator[int]:
    """A server on 127.0.0.1 that sends back what it reads, one thread per connection."""
    listener = socket.create_server(("127.0.0.1", 0))

    def echo(connection: socket.socket) -> None:
        with connection:
            while data := connection.recv(1024):
                connection.sendall(data)

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=echo, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def exchange(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(payload)
        return client.recv(1024)


def test_it_relays_resets_and_refuses_while_cut_then_relays_again(echo_port):
    with TcpProxy(listen_port=0, target_port=echo_port) as relay:
        assert exchange(relay.listen_port, b"before") == b"before"
        open_connection = socket.create_connection(("127.0.0.1", relay.listen_port), timeout=5)
        open_connection.sendall(b"hello")
        assert open_connection.recv(1024) == b"hello"

        assert relay.cut() == 1
        with pytest.raises(ConnectionError):
            exchange(relay.listen_port, b"during")
        try:
            open_connection.sendall(b"still there?")
            assert open_connection.recv(1024) == b""
        except ConnectionError:
            pass  # a reset: as good as the end of the stream
        open_connection.close()

        relay.restore()
        assert exchange(relay.listen_port, b"after") == b"after"
