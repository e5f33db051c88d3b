"""The alert webhook: a Slack-compatible JSON message posted with `requests`, with timeouts and a few retries, that
never fails a run.

The URL of an incoming webhook is its secret (Slack's and Teams' carry the token in the path), so it comes through
`dagster.EnvVar("LEADFLOW_ALERT_WEBHOOK")` and appears nowhere else: not in this object's repr, not in a log line
(urllib3's request lines, which print the path, are muted while posting), not in an exception (none leaves
`post`). A message that cannot be delivered is one warning line naming the kind of failure (`connection_error`,
`timeout`, `http_503`) and the run goes on. Redirects are not followed, so a message never goes to another host.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Iterator, Optional

import requests
from dagster import ConfigurableResource
from pydantic import Field

logger = logging.getLogger(__name__)


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextmanager
def _urllib3_quiet() -> Iterator[None]:
    """urllib3 logs each request with its path at DEBUG, and a webhook's path holds its token."""
    connection_log = logging.getLogger("urllib3.connectionpool")
    mute = _DropAll()
    connection_log.addFilter(mute)
    try:
        yield
    finally:
        connection_log.removeFilter(mute)


class _Undelivered(Exception):
    def __init__(self, kind: str, retryable: bool):
        super().__init__(kind)
        self.kind, self.retryable = kind, retryable


class AlertWebhook(ConfigurableResource):
    """Where alerts go: `url` (LEADFLOW_ALERT_WEBHOOK; none: no alerts), the Dagster UI's base URL for run links
    (LEADFLOW_UI_URL, optional) and the warehouse file the message's `leadflow query` hints name."""

    url: Optional[str] = Field(default=None, repr=False,
                               description="incoming webhook URL (a secret: set it through LEADFLOW_ALERT_WEBHOOK)")
    ui_url: Optional[str] = Field(default=None, description="base URL of the Dagster UI, for a link to the run")
    warehouse: Optional[str] = Field(default=None, description="the warehouse file, named in `leadflow query` hints")
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    max_attempts: int = 3   # the first try and up to two retries, on connection errors, timeouts, 429 and 5xx
    backoff_s: float = 1.0  # the wait before the first retry; doubles each time

    def __repr__(self) -> str:
        return (f"AlertWebhook(url={'<hidden>' if self.url else None}, ui_url={self.ui_url!r}, "
                f"warehouse={self.warehouse!r})")

    __str__ = __repr__

    @property
    def configured(self) -> bool:
        """A URL is set: alerts are posted."""
        return bool(self.url)

    def _attempt(self, session: requests.Session, message: dict) -> None:
        try:
            response = session.post(self.url, json=message, allow_redirects=False,
                                    timeout=(self.connect_timeout_s, self.read_timeout_s))
        except requests.Timeout:
            raise _Undelivered("timeout", retryable=True) from None
        except requests.ConnectionError:
            raise _Undelivered("connection_error", retryable=True) from None
        except requests.RequestException as exc:  # a URL requests cannot use: no point in trying again
            raise _Undelivered(f"request_error_{type(exc).__name__}", retryable=False) from None
        status = response.status_code
        if status >= 300:
            raise _Undelivered(f"http_{status}", retryable=status == 429 or status >= 500)

    def post(self, message: dict, log: Optional[logging.Logger] = None) -> bool:
        """Post `message` (JSON); True when the webhook took it. Never raises: a message not delivered after the
        retries is one warning on `log` (the sensor's or run's logger; else this module's), without the URL."""
        log = log or logger
        if not self.url:
            return False
        attempts = max(1, self.max_attempts)
        with requests.Session() as session, _urllib3_quiet():
            for attempt in range(1, attempts + 1):
                try:
                    self._attempt(session, message)
                    log.info("alert posted to the webhook")
                    return True
                except _Undelivered as failure:
                    if not failure.retryable or attempt == attempts:
                        log.warning(f"alert not delivered ({failure.kind} after {attempt} attempt(s)); "
                                    "the run is not affected")
                        return False
                    time.sleep(self.backoff_s * 2 ** (attempt - 1))
        return False
