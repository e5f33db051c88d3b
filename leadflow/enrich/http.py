"""The HTTP enrichment provider: docs/enrichment-api.md spoken with `requests`, politely and defensively.

One `requests.Session` per run; connect and read timeouts; retries with exponential backoff on connection errors,
timeouts, 429 and 5xx, honouring `Retry-After` (capped); no retry on other 4xx; a client-side rate limit on
requests; batches of up to 100 domains; a circuit breaker that stops calling a provider that keeps failing for
the rest of the run. The key goes in the Authorization header only, never in a URL, and never to another host:
redirects are followed only to the same origin. Failure reasons name the kind of failure and the HTTP status,
never a response body, a key or a record value.
"""

import email.utils
import time
from datetime import datetime, timezone
from typing import Any, Optional
from urllib.parse import quote, urlencode, urljoin, urlsplit

import polars as pl
import requests
from dagster import InitResourceContext
from pydantic import Field, PrivateAttr

from leadflow.enrich.providers import COMPANY_FIELDS, FAILED, FOUND, NOT_FOUND, LookupStats, outcomes
from leadflow.enrich.source import CompanyDataSource

BATCH_PATH = "/v1/companies/lookup"
MAX_BATCH = 100
MAX_REDIRECTS = 3


class LookupFailed(Exception):
    """A request that cannot give an answer: `kind` (timeout, connection_error, http_503, not_json, wrong_shape,
    redirect_to_other_host, ...) is safe to store and show."""

    def __init__(self, kind: str, retryable: bool = False, wait: float | None = None):
        super().__init__(kind)
        self.kind, self.retryable, self.wait = kind, retryable, wait


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds to wait: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _company(payload: Any, domain: str) -> dict:
    """One company object of a response, checked: a mapping whose `domain` is the one asked for, with known fields
    of the right kind (extra fields ignored)."""
    if not isinstance(payload, dict) or str(payload.get("domain", "")).strip().lower() != domain:
        raise LookupFailed("wrong_shape")
    row = {"domain": domain, "status": FOUND}
    for name, dtype in COMPANY_FIELDS.items():
        value = payload.get(name)
        if value is None:
            continue
        if dtype == pl.Int32:
            if isinstance(value, bool) or not isinstance(value, (int, float, str)) or not str(value).strip().isdigit():
                raise LookupFailed("wrong_shape")
            row[name] = int(str(value).strip())
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            row[name] = str(value).strip() or None
        else:
            raise LookupFailed("wrong_shape")
    if row.get("country"):
        row["country"] = row["country"].upper()
    return row


class HttpCompanyDataProvider(CompanyDataSource):
    """Company firmographics from an HTTP API (docs/enrichment-api.md). `api_key` comes through
    `dagster.EnvVar("LEADFLOW_ENRICHMENT_API_KEY")` and is never shown (not even in this object's repr)."""

    base_url: str
    api_key: Optional[str] = Field(default=None, repr=False)
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    max_attempts: int = 4            # per request: the first try and up to three retries
    backoff_s: float = 0.5           # first wait before a retry; doubles each time
    max_backoff_s: float = 8.0
    max_retry_after_s: float = 30.0  # a server asking to wait longer is waited on this long at most
    requests_per_second: float = 10.0
    batch_size: int = MAX_BATCH      # 1: one GET per domain, for an API without the batch endpoint
    breaker_failures: int = 5        # consecutive failed requests after which the run stops calling

    _session: Optional[requests.Session] = PrivateAttr(default=None)
    _last_request: float = PrivateAttr(default=0.0)
    _consecutive_failures: int = PrivateAttr(default=0)

    @property
    def name(self) -> str:
        return f"http:{urlsplit(self.base_url).netloc}"

    @property
    def cacheable(self) -> bool:
        return True

    def provider(self) -> "HttpCompanyDataProvider":
        return self

    def answered_at(self, now: datetime) -> datetime:
        return now

    def __repr__(self) -> str:
        return f"HttpCompanyDataProvider(base_url={self.base_url!r}, api_key=<hidden>)"

    __str__ = __repr__

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._session is not None:
            self._session.close()
        self._session = None

    # --- requests ---------------------------------------------------------------------------------------------
    def _session_for_run(self) -> requests.Session:
        if self._session is None:
            self._session = requests.Session()
            self._session.headers["Accept"] = "application/json"
            self._session.trust_env = False  # no proxy or .netrc from the environment picks up the key
        return self._session

    def _throttle(self) -> None:
        if self.requests_per_second <= 0:
            return
        wait = self._last_request + 1.0 / self.requests_per_second - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_request = time.monotonic()

    def _send(self, method: str, url: str, body: Any, stats: LookupStats) -> requests.Response:
        """One request with the key, following redirects only within the same origin."""
        origin = urlsplit(self.base_url)[:2]
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        for _ in range(MAX_REDIRECTS + 1):
            self._throttle()
            stats.requests += 1
            try:
                response = self._session_for_run().request(
                    method, url, json=body, headers=headers, allow_redirects=False,
                    timeout=(self.connect_timeout_s, self.read_timeout_s))
            except requests.Timeout:
                raise LookupFailed("timeout", retryable=True) from None
            except requests.ConnectionError:
                raise LookupFailed("connection_error", retryable=True) from None
            except requests.RequestException as exc:
                raise LookupFailed(f"request_error_{type(exc).__name__}") from None
            if not response.is_redirect:
                return response
            target = urljoin(url, response.headers.get("Location", ""))
            if urlsplit(target)[:2] != origin:
                raise LookupFailed("redirect_to_other_host")
            url = target
        raise LookupFailed("too_many_redirects")

    def _request(self, method: str, path: str, body: Any, stats: LookupStats) -> requests.Response:
        """`_send` with retries: connection errors, timeouts, 429 and 5xx are tried again after a backoff (or the
        server's Retry-After, capped); other 4xx are final. Raises LookupFailed after the last attempt."""
        url = self.base_url.rstrip("/") + path
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._send(method, url, body, stats)
                status = response.status_code
                if status == 429 or status >= 500:
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                    raise LookupFailed(f"http_{status}", retryable=True, wait=wait)
                if status >= 400 and status != 404:
                    raise LookupFailed(f"http_{status}")
                return response
            except LookupFailed as failure:
                if not failure.retryable or attempt == self.max_attempts:
                    raise
                backoff = min(self.backoff_s * 2 ** (attempt - 1), self.max_backoff_s)
                stats.retries += 1
                time.sleep(min(failure.wait, self.max_retry_after_s) if failure.wait is not None else backoff)
        raise LookupFailed("no_attempt")  # max_attempts < 1

    @staticmethod
    def _json(response: requests.Response) -> Any:
        if "json" not in response.headers.get("Content-Type", "").lower():
            raise LookupFailed("not_json")
        try:
            return response.json()
        except ValueError:
            raise LookupFailed("malformed_json") from None

    # --- lookups ------------------------------------------------------------------------------------------------
    def _lookup_batch(self, batch: list[dict], stats: LookupStats) -> list[dict]:
        response = self._request("POST", BATCH_PATH, {"companies": batch}, stats)
        if response.status_code == 404:
            raise LookupFailed("http_404")  # the batch endpoint itself is missing
        payload = self._json(response)
        results = payload.get("results") if isinstance(payload, dict) else None
        if not isinstance(results, list):
            raise LookupFailed("wrong_shape")
        asked = {c["domain"] for c in batch}
        rows: dict[str, dict] = {}
        for result in results:
            domain = str(result.get("domain", "")).strip().lower() if isinstance(result, dict) else ""
            if domain not in asked:
                raise LookupFailed("wrong_shape")
            if result.get("status") == NOT_FOUND:
                rows[domain] = {"domain": domain, "status": NOT_FOUND}
            elif result.get("status") == FOUND:
                rows[domain] = _company(result.get("company"), domain)
            else:
                raise LookupFailed("wrong_shape")
        missing = [{"domain": d, "status": FAILED, "failure": "missing_from_response"} for d in asked - rows.keys()]
        if missing:
            stats.failed("missing_from_response", len(missing))
        return [*rows.values(), *missing]

    def _lookup_one(self, company: dict, stats: LookupStats) -> list[dict]:
        """GET /v1/companies/{domain}[?name=]: for a vendor without the batch endpoint (batch_size 1)."""
        domain = company["domain"]
        path = f"/v1/companies/{quote(domain, safe='')}"
        if company.get("name"):
            path += "?" + urlencode({"name": company["name"]})
        response = self._request("GET", path, None, stats)
        if response.status_code == 404:
            return [{"domain": domain, "status": NOT_FOUND}]
        return [_company(self._json(response), domain)]

    def lookup(self, companies: pl.DataFrame, stats: LookupStats) -> pl.DataFrame:
        """One outcome per distinct domain of `companies` (domain, name): batches in turn; a batch that fails after
        its retries leaves its domains `failed` with the kind; once `breaker_failures` batches in a row failed, the
        rest are `failed` with `circuit_open` and no request is made."""
        wanted = companies.select("domain", "name").unique("domain", keep="first", maintain_order=True)
        rows: list[dict] = []
        batch_size = max(1, min(self.batch_size, MAX_BATCH))
        for start in range(0, wanted.height, batch_size):
            batch = [{"domain": d, **({"name": n} if n else {})}
                     for d, n in wanted.slice(start, batch_size).iter_rows()]
            if self._consecutive_failures >= self.breaker_failures:
                rows += [{"domain": c["domain"], "status": FAILED, "failure": "circuit_open"} for c in batch]
                stats.failed("circuit_open", len(batch))
                continue
            try:
                rows += self._lookup_one(batch[0], stats) if batch_size == 1 else self._lookup_batch(batch, stats)
                self._consecutive_failures = 0
            except LookupFailed as failure:
                rows += [{"domain": c["domain"], "status": FAILED, "failure": failure.kind} for c in batch]
                stats.failed(failure.kind, len(batch))
                self._consecutive_failures += 1
                if self._consecutive_failures == self.breaker_failures:
                    stats.breaker_trips += 1
            stats.answered(min(start + batch_size, wanted.height), wanted.height)
        return outcomes(rows)
