"""The reference enrichment server: docs/enrichment-api.md served from a firmographics CSV.

`leadflow enrichment-server --data FILE --port N` runs it, so the pipeline, its tests and its benchmark talk to a
real HTTP server without a vendor account. It answers by domain (the name is accepted and ignored), requires the
key when one is set, and never prints or logs the key or a looked-up domain.
"""

from __future__ import annotations

import hmac
import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from leadflow.enrich.http import BATCH_PATH, MAX_BATCH
from leadflow.enrich.providers import COMPANY_FIELDS, FOUND, NOT_FOUND, read_firmographics

COMPANY_PATH = "/v1/companies/"


def load_companies(path: str | Path) -> dict[str, dict]:
    """domain -> the company object the API returns (null fields left out)."""
    table = read_firmographics(path)
    return {row["domain"]: {k: v for k, v in row.items() if v is not None}
            for row in table.select("domain", *COMPANY_FIELDS).iter_rows(named=True)}


class EnrichmentServer(ThreadingHTTPServer):
    """A threading HTTP server holding the companies and the key; `serve_forever()` answers until `shutdown()`."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], companies: dict[str, dict], api_key: str | None = None):
        super().__init__(address, _Handler)
        self.companies = companies
        self.api_key = api_key
        self.requests_served = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def count(self) -> None:
        with self._lock:
            self.requests_served += 1


class _Handler(BaseHTTPRequestHandler):
    server: EnrichmentServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        """Silent: a request line holds a looked-up domain."""

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: HTTPStatus, error: str, message: str) -> None:
        self._reply(status, {"error": error, "message": message})

    def _authorized(self) -> bool:
        self.server.count()
        if not self.server.api_key:
            return True
        given = self.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {self.server.api_key}".encode()):
            return True
        self._error(HTTPStatus.UNAUTHORIZED, "unauthorized", "missing or wrong API key")
        return False

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = urlsplit(self.path).path
        if not self._authorized():
            return
        if not path.startswith(COMPANY_PATH) or path == COMPANY_PATH:
            return self._error(HTTPStatus.NOT_FOUND, "not_found", "unknown path")
        domain = unquote(path[len(COMPANY_PATH):]).strip().lower()
        company = self.server.companies.get(domain)
        if company is None:
            return self._error(HTTPStatus.NOT_FOUND, "not_found", "no company with this domain")
        self._reply(HTTPStatus.OK, company)

    def do_POST(self) -> None:  # noqa: N802
        if not self._authorized():
            return
        if urlsplit(self.path).path != BATCH_PATH:
            return self._error(HTTPStatus.NOT_FOUND, "not_found", "unknown path")
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
            asked = [str(c["domain"]).strip().lower() for c in body["companies"]]
        except (ValueError, KeyError, TypeError):
            return self._error(HTTPStatus.BAD_REQUEST, "bad_request", "expected {\"companies\": [{\"domain\": ...}]}")
        if len(asked) > MAX_BATCH:
            return self._error(HTTPStatus.BAD_REQUEST, "bad_request", f"at most {MAX_BATCH} companies per request")
        companies = self.server.companies
        self._reply(HTTPStatus.OK, {"results": [
            {"domain": d, "status": FOUND, "company": companies[d]} if d in companies
            else {"domain": d, "status": NOT_FOUND} for d in asked]})


def make_server(data: str | Path, host: str = "127.0.0.1", port: int = 0,
                api_key: str | None = None) -> EnrichmentServer:
    """A server bound to host:port (0: a free port) serving the companies of `data`; not yet serving."""
    return EnrichmentServer((host, port), load_companies(data), api_key)
