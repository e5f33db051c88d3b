"""Matching settings (dedupe.settings): a wrong entry in the settings file is named specifically."""

import pytest

from dedupe.settings import SettingsError, load_match_settings


def test_settings_errors_are_specific(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text((load_match_settings.__globals__["resources"].files("dedupe") / "data/lead_matching.yaml")
                   .read_text().replace("method: email", "method: soundex", 1))
    with pytest.raises(SettingsError, match="unknown method 'soundex'"):
        load_match_settings(bad)


def _default_text() -> str:
    return (load_match_settings.__globals__["resources"].files("dedupe") / "data/lead_matching.yaml").read_text()


@pytest.mark.parametrize("old, new, message", [
    ("    method: phone\n", "    method: phone\n    nickname_package: true\n",
     "only the first_name method reads the nickname package"),
    ("columns: [city_key, region_key, country_key]", "columns: [city_key, country_key]",
     r"place needs columns: \[city, region, country\]"),
    ("    weighs: against\n", "    weighs: sometimes\n", "weighs"),
    ("    weighs: against\n", "    weighs: against\n    term_frequency: true\n",
     "cannot adjust for term frequency"),
    ("apart_through_other_records: [other_address]",
     "apart_through_other_records: [other_address, same_phone]", "apart_through_other_records"),
])
def test_the_new_comparison_and_guard_options_are_checked(tmp_path, old, new, message):
    text = _default_text()
    assert old in text
    bad = tmp_path / "m.yaml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(SettingsError, match=message):
        load_match_settings(bad)


def test_the_default_file_compares_the_place_against_only_and_reads_the_nickname_package():
    settings = load_match_settings()
    by_field = {c.field: c for c in settings.comparisons}
    assert by_field["place"].against_only and not by_field["phone"].against_only
    assert by_field["first_name"].nickname_package
    assert settings.apart_through_other_records == ("other_address",)
    assert settings.missing_first_name_needs_email and settings.two_contacts_differ_need_review
    assert settings.other_place_needs_review
