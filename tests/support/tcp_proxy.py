"""A TCP relay on a loopback port, standing in for a database provider's edge on a port a Space can reach."""

from __future__ import annotations

import socket
import threading


class TcpProxy:
    """Listen on 127.0.0.1:`port` and relay each connection to 127.0.0.1:`target`; counts the connections."""

    def __init__(self, port: int, target: int) -> None:
        self.target = target
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", port), reuse_port=False)
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # closed
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()

    def close(self) -> None:
        self._server.close()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
