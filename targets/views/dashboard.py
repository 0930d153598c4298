"""The dashboards for leaders (and everyone with a role): the overview, a group, the target table, a
target, a unit, and the help page. Thin views: a selector reads, assessment.py judges, a template shows.

Every page takes ``?year=`` to show the picture as of the end of a past year of the programme.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from .. import assessment, permissions, selectors
from ..filters import TargetFilter
from ..form_rendering import FILTER_FORM_RENDERER
from ..forms import SinceForm
from ..models import AnnualReview
from ..permissions import program_required, role_required
from ..tables import TARGETS_PER_PAGE, TargetTable
from .conditional import CURRENT, EVERY, PROGRAM, page_etag


@require_GET
@role_required
@page_etag(EVERY)
def program_index(request):
    """``/``: the programmes the user may see, by organisation; straight to the only one."""
    programs = selectors.programs_for(user=request.user)
    if len(programs) == 1:
        return redirect("overview", slug=programs[0].slug)
    return render(request, "targets/program_list.html", {"by_organisation": selectors.by_organisation(programs)})


@require_GET
@program_required
@page_etag(PROGRAM)
def overview(request, program):
    waiting = selectors.waiting_for(user=request.user, program=program)  # the workflow's "waiting for you"
    context = {"program": program, "waiting": waiting}
    as_of = selectors.dashboard_as_of(program=program, year=request.GET.get("year"))
    groups = selectors.program_groups(program=program)
    rows = selectors.program_rows(program=program, as_of=as_of)
    counts = selectors.status_counts(rows)
    by_group = selectors.group_counts(groups=groups, rows=rows)
    context.update(
        as_of=as_of,
        total=len(rows),
        counts=counts,
        by_group=by_group,
        by_unit=selectors.unit_counts(rows),
        deadlines=selectors.deadline_panel(rows),
        latest=selectors.latest_figures(program=program, as_of=as_of),
        status_chart=selectors.status_chart(counts, program=program, year=as_of.year if as_of.is_past else None),
        groups_chart=selectors.groups_chart(by_group, program=program, year=as_of.year if as_of.is_past else None),
        statuses=selectors.PROGRESS_CHOICES,
        due_soon_days=settings.TARGETS_DUE_SOON_DAYS,
        # The tasks panel, judged as of the same day as the targets (the end of a past year).
        task_panel=selectors.task_panel(program=program, year=as_of.year if as_of.is_past else None),
        # Staff see the reminders (đôn đốc) sent to their units.
        reminder_notices=(
            selectors.task_reminder_notices(user=request.user, program=program)
            if permissions.is_unit_staff(request.user, program)
            else []
        ),
    )
    return render(request, "targets/home.html", context)


@require_GET
@program_required
@page_etag(PROGRAM)
def briefing(request, program):
    """``/p/<slug>/briefing/``: one A4 page for a meeting (``selectors.briefing``), printable as it is."""
    context = {"program": program, "briefing": selectors.briefing(program=program)}
    return render(request, "targets/briefing.html", context)


@require_GET
@program_required
@page_etag(PROGRAM)
def group_detail(request, program, code):
    group = selectors.group_by_code(program=program, code=code)
    if group is None:
        raise Http404
    as_of = selectors.dashboard_as_of(program=program, year=request.GET.get("year"))
    rows = selectors.dashboard_rows(targets=group.targets.all(), as_of=as_of)
    years = selectors.trend_years(program=program, rows=rows)
    return render(
        request,
        "targets/group.html",
        {
            "program": program,
            "group": group,
            "as_of": as_of,
            "rows": rows,
            "counts": selectors.status_counts(rows),
            "sparklines": selectors.sparklines(rows=rows, years=years),
        },
    )


@require_GET
@program_required
@page_etag(PROGRAM)
def target_list(request, program):
    as_of = selectors.dashboard_as_of(program=program, year=request.GET.get("year"))
    filterset = TargetFilter(request.GET or None, queryset=selectors.program_targets(program=program), program=program)
    filterset.form.renderer = FILTER_FORM_RENDERER
    rows = selectors.dashboard_rows(targets=filterset.qs, as_of=as_of)
    if filterset.chosen_status:
        rows = [row for row in rows if row.status == filterset.chosen_status]
    table = TargetTable(rows)
    RequestConfig(request, paginate={"per_page": TARGETS_PER_PAGE}).configure(table)
    return render(
        request,
        "targets/target_list.html",
        {"program": program, "as_of": as_of, "filter": filterset, "table": table, "total": len(rows)},
    )


@require_GET
@program_required
@page_etag(PROGRAM)
def target_detail(request, program, code):
    target = selectors.target_by_code(program=program, code=code)
    if target is None:
        raise Http404
    as_of = selectors.dashboard_as_of(program=target.program, year=request.GET.get("year"))
    page = selectors.target_page(
        target=target, user=request.user, as_of=as_of, history_page=request.GET.get("history_page")
    )
    return render(
        request,
        "targets/target_detail.html",
        {
            "program": target.program,
            "target": target,
            "as_of": as_of,
            "page": page,
            "row": page.row,
            "may_report": permissions.can_report_on(request.user, target),
            "task_rows": selectors.target_task_rows(target=target),
        },
    )


@require_GET
@program_required
@page_etag(PROGRAM)
def unit_index(request, program):
    units = selectors.unit_punctuality(program=program)
    return render(
        request,
        "targets/unit_index.html",
        {"program": program, "units": units, "due_day": selectors.report_due_date(program.first_year)},
    )


@require_GET
@program_required
@page_etag(PROGRAM)
def unit_detail(request, program, code):
    unit = selectors.unit_by_code(program=program, code=code)
    if unit is None:
        raise Http404
    as_of = selectors.dashboard_as_of(program=program, year=request.GET.get("year"))
    panel = selectors.unit_panel(unit=unit, program=program, as_of=as_of)
    tasks = selectors.unit_task_rows(program=program, unit=unit)
    return render(
        request,
        "targets/unit.html",
        {"program": program, "unit": unit, "as_of": as_of, "panel": panel, "task_rows": tasks},
    )


# The help page's examples: one target per direction, judged live by assessment.py so that the page can
# never contradict the rules. (direction, yearly, baseline, milestones, figures, as of)
HELP_EXAMPLES = [
    ("increase", False, (Decimal(60), 2020), {2025: (Decimal(70), None)}, {2023: Decimal(65)}),
    ("increase", True, None, {2025: (Decimal(70), Decimal(73))}, {2023: Decimal("71.5")}),
    ("decrease", False, (Decimal(5), 2020), {2025: (Decimal(3), None)}, {2023: Decimal(4)}),
    ("keep", True, None, {2025: (Decimal(100), None)}, {2023: Decimal(98)}),
    ("keep", True, (Decimal(0), 2020), {2025: (Decimal(0), None)}, {2023: Decimal(2)}),
]
HELP_AS_OF = datetime.date(2023, 12, 31)


@require_GET
@role_required
@page_etag(CURRENT)
def help_page(request):
    examples = []
    for direction, yearly, baseline, milestones, figures in HELP_EXAMPLES:
        facts = assessment.TargetFacts(
            direction=direction,
            is_yearly=yearly,
            baseline_value=baseline[0] if baseline else None,
            baseline_year=baseline[1] if baseline else None,
            milestones=milestones,
        )
        year, value = max(figures.items())
        verdict, plan = assessment.assess_year(facts, year, value)
        result = assessment.progress(facts, figures, today=HELP_AS_OF)
        examples.append(
            {
                "direction": direction,
                "yearly": yearly,
                "baseline": baseline,
                "milestone_year": max(milestones),
                "milestone": assessment.Plan(*milestones[max(milestones)]),
                "year": year,
                "value": value,
                "plan": plan,
                "assessment": str(verdict),
                "assessment_label": AnnualReview.Assessment(str(verdict)).label,
                "status": str(result.status),
                "status_label": selectors.PROGRESS_LABELS[result.status],
                "ratio": None if result.ratio is None else result.ratio * 100,
                "wrong_way": result.wrong_way,
                "pace": assessment.required_pace(facts, figures, today=HELP_AS_OF),
            }
        )
    return render(
        request,
        "targets/help.html",
        {
            "examples": examples,
            "period_average_codes": selectors.period_average_codes(),
            "on_track": round(settings.TARGETS_ON_TRACK_RATIO * 100),
            "at_risk": round(settings.TARGETS_AT_RISK_RATIO * 100),
            "due_soon_days": settings.TARGETS_DUE_SOON_DAYS,
            "statuses": selectors.PROGRESS_CHOICES,
            "deadline_labels": selectors.DEADLINE_LABELS,
        },
    )


@require_GET
@program_required
@page_etag(PROGRAM)
def changes(request, program):
    """What changed since the last meeting (the latest closed year's closing) or a chosen day (``?since=``)."""
    today = timezone.localdate()
    default, closed_year = selectors.last_meeting(program=program, today=today)
    form = SinceForm(request.GET or None)
    since = form.cleaned_data["since"] if form.is_valid() and form.cleaned_data["since"] else default
    result = selectors.changes_since(program=program, since=since, today=today)
    result.since_closure = closed_year if since == default else None
    return render(request, "targets/changes.html", {"program": program, "form": form, "changes": result})
