"""The alert webhook against a real local HTTP server (pytest-httpserver): the JSON is posted, 5xx and 429 are tried
again, other answers and a closed port end in one warning line, redirects are not followed, and the URL, which
holds the webhook's secret, is in no repr, log line or output."""

import logging
import socket

import pytest
from werkzeug import Response

from leadflow.alerts.webhook import AlertWebhook

TOKEN = "T0SECRET/B0SECRET/xoxb5f0c2a9e"
MESSAGE = {"text": "leadflow: weekly_import failed", "blocks": []}


@pytest.fixture(autouse=True)
def _quiet_test_server(caplog):
    """The test server's own access log prints request paths; what is checked here is leadflow's output."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    caplog.set_level(logging.DEBUG)


def _hook(url: str, **options) -> AlertWebhook:
    return AlertWebhook(url=url, **{"backoff_s": 0.01, "connect_timeout_s": 1.0, "read_timeout_s": 2.0, **options})


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def closed_port_url() -> str:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    return f"http://127.0.0.1:{port}/services/{TOKEN}"


def test_the_message_is_posted_as_json(httpserver, caplog):
    httpserver.expect_request(f"/services/{TOKEN}", method="POST", json=MESSAGE).respond_with_data("ok")
    assert _hook(httpserver.url_for(f"/services/{TOKEN}")).post(MESSAGE)
    [(request, _)] = httpserver.log
    assert request.headers["Content-Type"] == "application/json"
    assert _warnings(caplog) == []


def test_503_and_429_are_tried_again(httpserver, caplog):
    for response in (Response("busy", status=503), Response("slow down", status=429), Response("ok")):
        httpserver.expect_ordered_request(f"/services/{TOKEN}", method="POST").respond_with_response(response)
    assert _hook(httpserver.url_for(f"/services/{TOKEN}")).post(MESSAGE)
    assert len(httpserver.log) == 3 and _warnings(caplog) == []


def test_a_webhook_that_stays_down_is_one_warning_after_the_retries(httpserver, caplog):
    httpserver.expect_request(f"/services/{TOKEN}").respond_with_response(Response("down", status=503))
    assert not _hook(httpserver.url_for(f"/services/{TOKEN}")).post(MESSAGE)
    assert len(httpserver.log) == 3
    assert _warnings(caplog) == ["alert not delivered (http_503 after 3 attempt(s)); the run is not affected"]


def test_a_revoked_webhook_is_not_tried_again(httpserver, caplog):
    httpserver.expect_request(f"/services/{TOKEN}").respond_with_response(Response("no_service", status=404))
    assert not _hook(httpserver.url_for(f"/services/{TOKEN}")).post(MESSAGE)
    assert len(httpserver.log) == 1
    assert _warnings(caplog) == ["alert not delivered (http_404 after 1 attempt(s)); the run is not affected"]


def test_a_redirect_is_not_followed(httpserver, caplog):
    httpserver.expect_request(f"/services/{TOKEN}").respond_with_response(
        Response("", status=302, headers={"Location": "http://elsewhere.invalid/collect"}))
    assert not _hook(httpserver.url_for(f"/services/{TOKEN}")).post(MESSAGE)
    assert _warnings(caplog) == ["alert not delivered (http_302 after 1 attempt(s)); the run is not affected"]


def test_a_closed_port_is_one_warning_and_nothing_raises(caplog, capfd):
    assert not _hook(closed_port_url()).post(MESSAGE)
    assert _warnings(caplog) == ["alert not delivered (connection_error after 3 attempt(s)); the run is not affected"]
    out, err = capfd.readouterr()
    assert TOKEN.split("/")[0] not in caplog.text + out + err


def test_without_a_url_nothing_is_posted(caplog):
    assert not AlertWebhook().configured
    assert not AlertWebhook().post(MESSAGE) and caplog.records == []


def test_the_url_is_in_no_repr_and_no_log_line_even_at_debug(httpserver, caplog, capfd):
    httpserver.expect_request(f"/services/{TOKEN}").respond_with_data("ok")
    hook = _hook(httpserver.url_for(f"/services/{TOKEN}"), ui_url="https://dagster.example.com")
    assert hook.post(MESSAGE)
    out, err = capfd.readouterr()
    for shown in (repr(hook), str(hook), caplog.text, out, err):
        assert "SECRET" not in shown and "xoxb" not in shown
    assert repr(hook) == "AlertWebhook(url=<hidden>, ui_url='https://dagster.example.com', warehouse=None)"
