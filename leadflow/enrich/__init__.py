"""Enrich: company firmographics by domain from a provider, applied to accounts."""
