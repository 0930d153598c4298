"""``links.reverse_path`` gives what ``reverse`` gives, for every kind of argument the pages use."""

import pytest
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from targets.links import path_builder, reverse_path

CASES = [
    ("target_detail", ["12-ctr-qu", "XD-01"]),
    ("target_detail", ["a-b", "Mã (1): đ é&?#%/x"[:-2]]),
    ("unit_detail", ["p", "a b+c;d~e@f"]),
    ("report_detail", [12]),
    ("task_update_approve", ["s", "NV-1.01", 3]),
    ("help", []),
]


@pytest.mark.parametrize(("name", "args"), CASES)
def test_reverse_path_is_reverse(name, args):
    assert reverse_path(name, *args) == reverse(name, args=args)


@override_settings(FORCE_SCRIPT_NAME="/tool/")
def test_reverse_path_follows_the_script_prefix():
    set_script_prefix("/tool/")
    try:
        assert reverse_path("report_detail", 5) == reverse("report_detail", args=[5]) == "/tool/reports/5/"
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize(("name", "args"), [case for case in CASES if len(case[1]) >= 1])
def test_a_path_builder_is_reverse_with_the_rows_value(name, args):
    *fixed, value = args
    assert path_builder(name, *fixed)(value) == reverse(name, args=args)
