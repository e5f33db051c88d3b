"""Domains: registered domain of a website, and the company domain from an email or a website."""

from __future__ import annotations

import functools
import re

import tldextract

from dedupe.normalize.emails import email_domain, is_free_email_domain, is_free_email_typo, normalize_email
from dedupe.normalize.text import _clean_text

_HOST_RE = re.compile(r"^[\w.-]+$")


@functools.cache
def _tld_extractor() -> tldextract.TLDExtract:
    # Bundled public-suffix snapshot only: no URLs to fetch, no disk cache.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def domain_from_website(value: str | None) -> str | None:
    """Registered domain of a URL or bare host, e.g. ``https://www.Acme.co.uk/x`` -> ``acme.co.uk``.

    Works offline against tldextract's bundled suffix list; ``None`` when the
    host has no public suffix (``localhost``, IPs, ``N/A``).
    """
    s = _clean_text(value).lower()
    if not s or " " in s or len(s) > 2000:
        return None
    try:
        result = _tld_extractor()(s)
    except Exception:
        return None
    top = getattr(result, "top_domain_under_public_suffix", None)
    if top is None:
        top = result.registered_domain
    if not top or not _HOST_RE.match(top) or not result.suffix:
        return None
    return top


def _email_company_domain(domain: str | None) -> str | None:
    """Registered part of an email domain unless it is a free-mail domain or a typo of one (`gmial.com`,
    `icolud.com`: one edit from a free-mail domain says nothing about the employer)."""
    if not domain or is_free_email_domain(domain) or is_free_email_typo(domain):
        return None
    registered = domain_from_website(domain)
    if registered is None or is_free_email_domain(registered):
        return None
    return registered


def company_domain(email: str | None, website: str | None) -> str | None:
    """The company's web domain: the (registered) email domain unless free-mail, else the website's."""
    return _email_company_domain(email_domain(normalize_email(email))) or domain_from_website(website)
