"""What every parser shares: naming the protected user."""

import pytest

from sextortion_flags.parsers.base import named_participant

PEOPLE = [("u1", "Lina"), ("LINA", None), ("Lina.b", "lina b"), ("42", None)]


@pytest.mark.parametrize(("wanted", "expected"), [
    ("u1", "u1"),            # an id
    ("Lina", "u1"),          # an exact display name before an id that differs in case
    ("LINA", "LINA"),        # an exact id
    ("lina", "u1"),          # otherwise case does not matter, first in order
    ("LINA B", "Lina.b"),    # a display name in another case
    ("42", "42"),
    ("nobody", None),
])
def test_named_participant(wanted, expected):
    assert named_participant(wanted, PEOPLE) == expected
