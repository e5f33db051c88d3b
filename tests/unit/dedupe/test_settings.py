"""Matching settings (dedupe.settings): a wrong entry in the settings file is named specifically."""

import pytest

from dedupe.settings import SettingsError, load_match_settings


def test_settings_errors_are_specific(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text((load_match_settings.__globals__["resources"].files("dedupe") / "data/lead_matching.yaml")
                   .read_text().replace("method: email", "method: soundex", 1))
    with pytest.raises(SettingsError, match="unknown method 'soundex'"):
        load_match_settings(bad)
