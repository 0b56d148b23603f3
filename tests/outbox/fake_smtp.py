"""A local SMTP server for tests, on 127.0.0.1: it records the messages it accepts and can be
slow where real servers are.

`hold("data")`: the next transaction waits after the DATA command, before "354": the client
has not sent the message yet; if it goes away, the server has nothing.
`hold("end")`: the next transaction waits after the whole message ("." received) and before
"250": the server keeps the message, as one that had already queued it would, though the
client never hears so — the window described in outbox/services.py.
`refuse(n)`: the next n messages are answered "451 try again later".
A held transaction ends when its client goes away (or after `HOLD_LIMIT` seconds).
"""

import email
import socket
import socketserver
import threading
import time
from collections import Counter
from email.message import Message

HOLD_LIMIT = 30


class FakeSMTP:
    def __init__(self):
        self.messages: list[Message] = []
        self.dropped = 0  # transactions whose client went away before "250"
        self.holding = False  # a transaction is held right now
        self._hold_at: str | None = None
        self._hold_after = 0
        self._refuse = 0
        self._changed = threading.Condition()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeSMTP":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # What the tests play ---------------------------------------------------------------------

    def hold(self, at: str, *, after: int = 0) -> None:
        """Hold the first transaction that reaches `at` ("data" or "end") once the server has
        accepted `after` messages."""
        assert at in ("data", "end")
        with self._changed:
            self._hold_at, self._hold_after = at, after

    def refuse(self, count: int) -> None:
        with self._changed:
            self._refuse = count

    def wait_for(self, condition, timeout: float) -> None:
        """Wait until `condition()` holds (checked whenever the server's state changes)."""
        with self._changed:
            if not self._changed.wait_for(condition, timeout=timeout):
                raise TimeoutError(f"waited {timeout} s: {self.messages=} {self.dropped=}")

    def message_ids(self) -> Counter:
        return Counter(message["Message-ID"] for message in self.messages)

    # The server ------------------------------------------------------------------------------

    def _take_hold(self, at: str) -> bool:
        with self._changed:
            if self._hold_at == at and len(self.messages) >= self._hold_after:
                self._hold_at = None
                self.holding = True
                self._changed.notify_all()
                return True
        return False

    def _note(self, *, accepted: Message | None = None, dropped: bool = False) -> None:
        with self._changed:
            if accepted is not None:
                self.messages.append(accepted)
            self.dropped += dropped
            self._changed.notify_all()

    def _release(self) -> None:
        with self._changed:
            self.holding = False
            self._changed.notify_all()

    def _handler(self):
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def client_gone(self) -> bool:
                try:
                    return self.request.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
                except BlockingIOError:
                    return False
                except OSError:
                    return True

            def wait_while_held(self) -> bool:
                """True when the client went away while it waited."""
                deadline = time.monotonic() + HOLD_LIMIT
                try:
                    while time.monotonic() < deadline:
                        if self.client_gone():
                            return True
                        time.sleep(0.01)
                    return False
                finally:
                    fake._release()

            def read_message(self) -> bytes | None:
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return None
                    if line == b".\r\n":
                        return b"".join(lines)
                    lines.append(line[1:] if line.startswith(b"..") else line)

            def handle(self):
                self.reply("220 fake-smtp ready")
                while line := self.rfile.readline():
                    verb = line.decode(errors="replace").strip().split(" ")[0].upper()
                    if verb == "QUIT":
                        self.reply("221 bye")
                        return
                    if verb != "DATA":
                        known = verb in ("EHLO", "HELO", "MAIL", "RCPT", "RSET", "NOOP")
                        self.reply("250 fake-smtp" if known else "502 not implemented")
                        continue
                    if fake._take_hold("data") and self.wait_while_held():
                        fake._note(dropped=True)
                        return
                    self.reply("354 end with <CRLF>.<CRLF>")
                    data = self.read_message()
                    if data is None:
                        fake._note(dropped=True)
                        return
                    with fake._changed:
                        refused, fake._refuse = fake._refuse > 0, max(0, fake._refuse - 1)
                    if refused:
                        self.reply("451 try again later")
                        continue
                    fake._note(accepted=email.message_from_bytes(data))
                    if fake._take_hold("end") and self.wait_while_held():
                        return  # the message is kept: the client never heard "250"
                    self.reply("250 queued")

        return Handler
