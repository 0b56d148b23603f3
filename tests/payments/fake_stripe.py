"""A local stand-in for the few Stripe API endpoints the payments app calls, on 127.0.0.1:
create, retrieve and expire a Checkout Session, create a refund. It keeps Stripe's answers to
a repeated idempotency key (the same object, no second one), records every request, and serves
a page at each session's `url` so that a browser has somewhere to land.

`complete(session_id)` plays the participant paying; `event(type, obj)` builds the webhook
event Stripe would send (sign it with tests.payments.conftest.deliver).
"""

import itertools
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


def _nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (`line_items[0][price_data][currency]=eur`) back into dicts."""
    result: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


class FakeStripe:
    def __init__(self):
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.answers: dict[str, tuple[int, dict]] = {}  # idempotency key → answer
        self.down = False  # answer every API call with a 500
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeStripe":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # What the tests play ---------------------------------------------------------------------

    def calls(self, method: str, path: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method and r["path"] == path]

    def complete(self, session_id: str, *, payment_status: str = "paid") -> dict:
        """The participant pays (or starts a bank debit: payment_status="unpaid")."""
        session = self.sessions[session_id]
        session["status"] = "complete"
        session["payment_status"] = payment_status
        session["payment_intent"] = session["payment_intent"] or f"pi_test_{next(self._ids)}"
        return dict(session)

    def event(self, type: str, obj: dict, *, id: str | None = None) -> dict:
        return {
            "id": id or f"evt_test_{uuid.uuid4().hex[:16]}",
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "livemode": False,
            "type": type,
            "data": {"object": obj},
        }

    def charge(self, payment_intent: str, *, include_refunds: bool = True) -> dict:
        refunds = [r for r in self.refunds.values() if r["payment_intent"] == payment_intent]
        charge = {
            "id": f"ch_{payment_intent}",
            "object": "charge",
            "payment_intent": payment_intent,
            "amount_refunded": sum(r["amount"] for r in refunds),
            "refunded": True,
        }
        if include_refunds:
            charge["refunds"] = {"object": "list", "data": refunds}
        return charge

    # The API ---------------------------------------------------------------------------------

    def _create_session(self, params: dict) -> tuple[int, dict]:
        number = next(self._ids)
        item = params["line_items"]["0"]
        session_id = f"cs_test_{number}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{self.url}/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "mode": params.get("mode"),
            "amount_total": int(item["price_data"]["unit_amount"]) * int(item["quantity"]),
            "currency": item["price_data"]["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "locale": params.get("locale"),
            "expires_at": int(params["expires_at"]),
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "payment_intent": None,
        }
        self.sessions[session_id] = session
        return 200, session

    def _expire(self, session_id: str) -> tuple[int, dict]:
        session = self.sessions.get(session_id)
        if session is None:
            return _error(404, "No such checkout.session")
        if session["status"] != "open":
            return _error(400, f"Only open sessions can be expired, not {session['status']} ones.")
        session["status"] = "expired"
        return 200, session

    def _refund(self, params: dict) -> tuple[int, dict]:
        intent = params.get("payment_intent")
        paid = [s for s in self.sessions.values() if s["payment_intent"] == intent]
        if not paid:
            return _error(400, f"No such payment_intent: '{intent}'")
        amount = int(params["amount"])
        done = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent)
        if done + amount > paid[0]["amount_total"]:
            return _error(400, "Refund amount is greater than unrefunded amount on charge.")
        refund = {
            "id": f"re_test_{next(self._ids)}",
            "object": "refund",
            "amount": amount,
            "currency": paid[0]["currency"],
            "payment_intent": intent,
            "reason": params.get("reason"),
            "metadata": params.get("metadata", {}),
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def answer(self, method: str, path: str, params: dict, key: str | None) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(
                {"method": method, "path": path, "params": params, "idempotency_key": key}
            )
            if self.down:
                return _error(500, "Stripe is down (fake).", type="api_error")
            if key and key in self.answers:
                return self.answers[key]
            parts = path.strip("/").split("/")
            if method == "POST" and path == "/v1/checkout/sessions":
                result = self._create_session(params)
            elif method == "GET" and parts[:3] == ["v1", "checkout", "sessions"]:
                session = self.sessions.get(parts[3])
                result = (200, session) if session else _error(404, "No such checkout.session")
            elif method == "POST" and len(parts) == 5 and parts[4] == "expire":
                result = self._expire(parts[3])
            elif method == "POST" and path == "/v1/refunds":
                result = self._refund(params)
            else:
                result = _error(404, f"Unrecognized request URL ({method}: {path}).")
            if key:
                self.answers[key] = result
            return result

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _api(self, method: str) -> None:
                path, _, query = self.path.partition("?")
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else query
                params = _nested(parse_qsl(raw, keep_blank_values=True))
                status, body = fake.answer(
                    method, path, params, self.headers.get("Idempotency-Key")
                )
                self._send(status, json.dumps(body).encode(), "application/json")

            def do_GET(self):
                if self.path.startswith("/pay/"):
                    session = fake.sessions.get(self.path.removeprefix("/pay/"))
                    if session is None:
                        self._send(404, b"no such session", "text/plain")
                        return
                    page = (
                        "<!doctype html><html lang='en'><head><title>Stripe Checkout (test)"
                        "</title></head><body><main><h1>Pay "
                        f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
                        "</h1></main></body></html>"
                    )
                    self._send(200, page.encode(), "text/html; charset=utf-8")
                    return
                self._api("GET")

            def do_POST(self):
                self._api("POST")

        return Handler


def _error(status: int, message: str, *, type: str = "invalid_request_error"):
    return status, {"error": {"type": type, "message": message}}
