"""Real SMTP servers on this machine for the outbox tests: one that can be down and then
up (aiosmtpd), and one that accepts a connection and never says a word."""

import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    """A mail server on `port`: down (nothing listens) until `up()`."""

    def __init__(self):
        self.port = free_port()
        self._collect = _Collect()
        self._controller = None

    @property
    def received(self):
        """What it accepted: (recipients, the message as text) per email."""
        return [
            (envelope.rcpt_tos, envelope.content.decode()) for envelope in self._collect.messages
        ]

    def up(self):
        self._controller = Controller(self._collect, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def down(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class SilentServer:
    """Accepts connections and never answers (not even the SMTP greeting)."""

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._held = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        self._listener.settimeout(0.1)
        while not self._stopping.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(connection)

    @property
    def connections(self) -> int:
        return len(self._held)

    def stop(self):
        self._stopping.set()
        self._thread.join()
        for connection in self._held:
            connection.close()
        self._listener.close()
