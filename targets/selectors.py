"""Every read behind a page: one function per panel, returning plain data.

Each docstring states how many queries the function runs; the page tests assert the totals with
``django_assert_num_queries`` so that they stay fixed as targets, reports and years grow.
"""

from django.db.models import Prefetch

from .models import DomainGroup, Program, Target


def program_current() -> Program | None:
    """The programme the pages show: the newest active one. 1 query."""
    return Program.objects.filter(is_active=True).order_by("-issued_on", "-id").first()


def home_groups(*, program: Program) -> list[DomainGroup]:
    """The programme's groups in order, each with its targets (and their lead units). 2 queries."""
    targets = Target.objects.select_related("lead_unit").order_by("order", "code")
    return list(
        program.groups.order_by("number").prefetch_related(Prefetch("targets", queryset=targets, to_attr="target_list"))
    )
