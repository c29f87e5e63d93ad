"""A TCP relay on 127.0.0.1 that can be cut and restored, to take a server away from the site for a moment.

Cutting it aborts every relayed connection (both sides see a reset, as after a crash or a network partition) and
stops listening, so new connections are refused until it is restored on the same port."""

from __future__ import annotations

import asyncio
import threading


class TcpProxy:
    def __init__(self, *, listen_port: int, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.listen_port = listen_port
        self.target = (target_host, target_port)
        self.connections = 0  # relayed since start
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name=f"proxy:{listen_port}")
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> TcpProxy:
        self._thread.start()
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()
        asyncio.run_coroutine_threadsafe(self._settle(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def cut(self) -> int:
        """Refuse new connections and reset the open ones; return how many were reset."""
        return asyncio.run_coroutine_threadsafe(self._cut(), self._loop).result(timeout=10)

    def restore(self) -> None:
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.listen_port, reuse_address=True)
            self.listen_port = self._server.sockets[0].getsockname()[1]  # port 0 picks one, kept on restore

    async def _cut(self) -> int:
        if self._server is not None:
            self._server.close()
            self._server = None
        writers, self._open = self._open, set()
        for writer in writers:
            writer.transport.abort()
        return len(writers) // 2

    async def _settle(self) -> None:
        """Let the relays of the connections just reset finish, so that none is left pending at exit."""
        tasks = asyncio.all_tasks() - {asyncio.current_task()}
        if tasks:
            await asyncio.wait(tasks, timeout=5)

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.connections += 1
        self._open.update((client_writer, server_writer))
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer), return_exceptions=True
        )
        self._open.difference_update((client_writer, server_writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()
