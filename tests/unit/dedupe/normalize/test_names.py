"""Person names (dedupe.normalize.names): display casing, matching keys and nicknames to canonical first names."""

import pytest

from dedupe.normalize import canonical_first_name, name_key, normalize_person_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("O'BRIEN", "O'Brien"), ("o'brien", "O'Brien"),
        ("o\u2019neil", "O'Neil"), ("d'angelo", "D'Angelo"),
        ("mcdonald", "McDonald"), ("MCDONALD", "McDonald"),
        ("macarthur", "Macarthur"),
        ("MacArthur", "MacArthur"),  # mixed case: the person's own spelling
        ("McDONALD", "McDONALD"), ("van der berg", "van der Berg"),
        ("VAN DER BERG", "van der Berg"), ("jose de la cruz", "Jose de la Cruz"),
        ("LUDWIG VON MISES", "Ludwig von Mises"),
        ("van", "Van"),  # a lone particle is a name
        ("thi le", "Thi Le"),  # "le" is only a particle after another particle
        ("smith-jones", "Smith-Jones"), ("john smith iii", "John Smith III"),
        ('  "john"  ', "John"), ("  mary   ann  ", "Mary Ann"),
        ("Bob.", "Bob"), ("\u00c9MILE", "\u00c9mile"),
        ("", None), ("   ", None),
        (None, None), ("--", None),
    ],
)
def test_normalize_person_name(raw, expected):
    assert normalize_person_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("O'Brien", "obrien"), ("Müller", "muller"),
        ("Søren Ærø", "sorenaero"), ("Straße", "strasse"),
        ("Łukasz", "lukasz"), ("Smith-Jones", "smithjones"),
        ("José de la Cruz", "josedelacruz"), ("123", None),
        ("", None), (None, None),
    ],
)
def test_name_key(raw, expected):
    assert name_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bob", "robert"), ("BOBBY", "robert"),
        ("Robert", "robert"), ("liz", "elizabeth"),
        ("Beth", "elizabeth"), ("bill", "william"),
        ("Cathy", "catherine"), ("Peggy", "margaret"),
        ("Zebediah", "zebediah"), ("  ", None),
        (None, None),
    ],
)
def test_canonical_first_name(raw, expected):
    assert canonical_first_name(raw) == expected
