"""The HTTP enrichment provider against a real local HTTP server (pytest-httpserver): retries on 5xx and 429
(honouring Retry-After, capped), no retry on other 4xx, the read timeout, bad bodies, a redirect to another host
(the key never follows), the circuit breaker, the rate limit, and the key kept out of URLs, reprs and errors."""

import json
import re
import time

import polars as pl
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from leadflow.enrich.http import BATCH_PATH, HttpCompanyDataProvider, retry_after_seconds
from leadflow.enrich.providers import LookupStats

KEY = "sk-test-5f0c2a9e"
ACME = {"domain": "acme.com", "name": "Acme Corporation", "industry": "Manufacturing", "employee_count": 1200,
        "country": "us", "website": "https://www.acme.com"}
FOUND = {"results": [{"domain": "acme.com", "status": "found", "company": ACME},
                     {"domain": "globex.com", "status": "not_found"}]}
COMPANIES = pl.DataFrame({"domain": ["acme.com", "globex.com"], "name": ["Acme", None]},
                         schema_overrides={"name": pl.Utf8})


def _provider(server, **options) -> HttpCompanyDataProvider:
    defaults = {"backoff_s": 0.01, "max_backoff_s": 0.05, "requests_per_second": 0, "read_timeout_s": 2.0,
                "connect_timeout_s": 1.0}
    return HttpCompanyDataProvider(base_url=server.url_for("/").rstrip("/"), api_key=KEY, **{**defaults, **options})


def _lookup(provider, companies=COMPANIES):
    stats = LookupStats()
    frame = provider.lookup(companies, stats)
    return {r["domain"]: r for r in frame.rows(named=True)}, stats


def _batch(server, *responses):
    for response in responses:
        server.expect_ordered_request(BATCH_PATH, method="POST").respond_with_response(response)


def test_found_and_not_found_with_the_key_in_the_header_only(httpserver):
    httpserver.expect_request(BATCH_PATH, method="POST", headers={"Authorization": f"Bearer {KEY}"},
                              json={"companies": [{"domain": "acme.com", "name": "Acme"}, {"domain": "globex.com"}]}
                              ).respond_with_json(FOUND)
    rows, stats = _lookup(_provider(httpserver))
    assert rows["acme.com"]["status"] == "found"
    assert (rows["acme.com"]["industry"], rows["acme.com"]["employee_count"], rows["acme.com"]["country"]) == (
        "Manufacturing", 1200, "US")
    assert rows["globex.com"]["status"] == "not_found" and stats.requests == 1
    [(request, _)] = httpserver.log
    assert KEY not in request.url


def test_503_503_200_succeeds_after_two_retries(httpserver):
    _batch(httpserver, Response("down", status=503), Response("down", status=503),
           Response(json.dumps(FOUND), status=200, content_type="application/json"))
    rows, stats = _lookup(_provider(httpserver))
    assert rows["acme.com"]["status"] == "found"
    assert (stats.requests, stats.retries, stats.failures_by_kind) == (3, 2, {})


def test_503_until_the_attempts_run_out_leaves_the_domains_failed(httpserver):
    httpserver.expect_request(BATCH_PATH).respond_with_data("down", status=503)
    rows, stats = _lookup(_provider(httpserver, max_attempts=3))
    assert {d: (r["status"], r["failure"]) for d, r in rows.items()} == {
        "acme.com": ("failed", "http_503"), "globex.com": ("failed", "http_503")}
    assert stats.requests == 3 and stats.failures_by_kind == {"http_503": 2}


def test_429_waits_retry_after_capped(httpserver):
    _batch(httpserver, Response("slow down", status=429, headers={"Retry-After": "30"}),
           Response(json.dumps(FOUND), status=200, content_type="application/json"))
    started = time.monotonic()
    rows, stats = _lookup(_provider(httpserver, max_retry_after_s=0.6))
    waited = time.monotonic() - started
    assert rows["acme.com"]["status"] == "found" and stats.retries == 1
    assert 0.6 <= waited < 5  # the server asked for 30 s; the cap is 0.6 s


def test_retry_after_as_seconds_or_an_http_date():
    from datetime import datetime, timezone
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Sat, 28 Nov 2026 12:00:05 GMT", now) == 5.0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None) is None


@pytest.mark.parametrize("status", [400, 401, 403, 422])
def test_other_4xx_are_not_retried(httpserver, status):
    httpserver.expect_request(BATCH_PATH).respond_with_json({"error": "bad_request"}, status=status)
    rows, stats = _lookup(_provider(httpserver))
    assert stats.requests == 1 and rows["acme.com"]["failure"] == f"http_{status}"


def test_a_hung_response_hits_the_read_timeout(httpserver):
    def hang(request):
        time.sleep(1.5)
        return Response(json.dumps(FOUND), content_type="application/json")
    httpserver.expect_request(BATCH_PATH).respond_with_handler(hang)
    started = time.monotonic()
    rows, stats = _lookup(_provider(httpserver, read_timeout_s=0.3, max_attempts=2))
    assert rows["acme.com"]["failure"] == "timeout" and stats.requests == 2
    assert time.monotonic() - started < 3.5


@pytest.mark.parametrize("response, kind", [
    (Response("<html><body>502 Bad Gateway</body></html>", status=200, content_type="text/html"), "not_json"),
    (Response("{not json", status=200, content_type="application/json"), "malformed_json"),
    (Response(json.dumps({"companies": []}), status=200, content_type="application/json"), "wrong_shape"),
    (Response(json.dumps({"results": [{"domain": "acme.com", "status": "found", "company": {"domain": "x.org"}}]}),
              status=200, content_type="application/json"), "wrong_shape"),
    (Response(json.dumps({"results": [{"domain": "acme.com", "status": "found",
                                       "company": {"domain": "acme.com", "employee_count": "lots"}}]}),
              status=200, content_type="application/json"), "wrong_shape"),
])
def test_bodies_that_are_not_the_api_are_failures_of_their_kind(httpserver, response, kind):
    httpserver.expect_request(BATCH_PATH).respond_with_response(response)
    rows, stats = _lookup(_provider(httpserver))
    assert {r["failure"] for r in rows.values()} == {kind} and stats.requests == 1


def test_a_domain_the_answer_leaves_out_is_failed_not_not_found(httpserver):
    httpserver.expect_request(BATCH_PATH).respond_with_json(
        {"results": [{"domain": "acme.com", "status": "found", "company": ACME}]})
    rows, _ = _lookup(_provider(httpserver))
    assert (rows["acme.com"]["status"], rows["globex.com"]["status"], rows["globex.com"]["failure"]) == (
        "found", "failed", "missing_from_response")


@pytest.fixture
def other_host():
    """A second, separate server: another host as far as the client can tell."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_a_redirect_to_another_host_is_not_followed_and_the_key_never_leaves(httpserver, other_host):
    other_host.expect_request(BATCH_PATH).respond_with_json(FOUND)
    httpserver.expect_request(BATCH_PATH).respond_with_response(
        Response("", status=307, headers={"Location": other_host.url_for(BATCH_PATH)}))
    rows, _ = _lookup(_provider(httpserver))
    assert {r["failure"] for r in rows.values()} == {"redirect_to_other_host"}
    assert not any(KEY in str(request.headers) for request, _ in other_host.log)


def test_a_redirect_within_the_same_host_keeps_the_key(httpserver):
    httpserver.expect_request("/v2/lookup", method="POST", headers={"Authorization": f"Bearer {KEY}"}
                              ).respond_with_json(FOUND)
    httpserver.expect_request(BATCH_PATH).respond_with_response(
        Response("", status=308, headers={"Location": "/v2/lookup"}))
    rows, stats = _lookup(_provider(httpserver))
    assert rows["acme.com"]["status"] == "found" and stats.requests == 2


def test_the_circuit_breaker_stops_calling_for_the_rest_of_the_run(httpserver):
    httpserver.expect_request(BATCH_PATH).respond_with_data("down", status=500)
    companies = pl.DataFrame({"domain": [f"c{i}.com" for i in range(6)], "name": [None] * 6},
                             schema_overrides={"name": pl.Utf8})
    provider = _provider(httpserver, batch_size=1, max_attempts=1, breaker_failures=2)
    rows, stats = _lookup(provider, companies)
    assert stats.requests == 2 and stats.breaker_trips == 1
    assert sorted(r["failure"] for r in rows.values()) == ["circuit_open"] * 4 + ["http_500"] * 2


def test_the_rate_limit_spaces_requests(httpserver):
    httpserver.expect_request(re.compile("/v1/companies/.*")).respond_with_json({"error": "not_found"}, status=404)
    companies = pl.DataFrame({"domain": [f"c{i}.com" for i in range(4)], "name": [None] * 4},
                             schema_overrides={"name": pl.Utf8})
    started = time.monotonic()
    _, stats = _lookup(_provider(httpserver, batch_size=1, requests_per_second=10), companies)
    assert stats.requests == 4 and time.monotonic() - started >= 0.3


def test_one_get_per_domain_when_batching_is_off(httpserver):
    httpserver.expect_request("/v1/companies/acme.com", method="GET", query_string="name=Acme").respond_with_json(ACME)
    httpserver.expect_request("/v1/companies/globex.com", method="GET").respond_with_json(
        {"error": "not_found"}, status=404)
    rows, stats = _lookup(_provider(httpserver, batch_size=1))
    assert (rows["acme.com"]["status"], rows["globex.com"]["status"], stats.requests) == ("found", "not_found", 2)


def test_an_unreachable_provider_is_a_connection_error():
    provider = HttpCompanyDataProvider(base_url="http://127.0.0.1:9", api_key=KEY, backoff_s=0.01, max_attempts=2,
                                       requests_per_second=0, connect_timeout_s=0.5)
    rows, stats = _lookup(provider)
    assert {r["failure"] for r in rows.values()} == {"connection_error"} and stats.requests == 2


def test_the_key_is_never_shown():
    provider = HttpCompanyDataProvider(base_url="http://127.0.0.1:9", api_key=KEY)
    assert KEY not in repr(provider) and KEY not in str(provider)
