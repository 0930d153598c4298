"""The main pages of the application as one table, for the benchmark (``manage.py bench``) and the
browser test of the Content Security Policy.

A page whose URL does not resolve yet (its issue not built) is skipped with a note, so the table can
list every page of the spec from the start.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max
from django.urls import Resolver404, resolve

from ..models import DomainGroup, Program, ProgressReport, Target, Task
from .scale import scale_ward_slug

# (name, URL with {placeholders}); the floor first: the site's layout alone, for a signed-in user, which
# every page is compared with (views/general.py ``layout_floor``).
FLOOR = "layout"
PAGES = [
    (FLOOR, "/_layout/"),
    ("login", "/accounts/login/"),
    ("overview", "/p/{program}/"),
    ("group", "/p/{program}/groups/{group}/"),
    ("targets", "/p/{program}/targets/"),
    ("targets_search", "/p/{program}/targets/?q=van+hoa"),
    ("target", "/p/{program}/targets/{target}/"),
    ("unit", "/p/{program}/units/{unit}/"),
    ("report_new", "/p/{program}/targets/{target}/reports/new/"),
    ("reports", "/reports/"),
    ("review", "/p/{program}/reviews/{year}/"),
    ("briefing", "/p/{program}/briefing/"),
    ("imports", "/imports/"),
    ("help", "/help/"),
    # Tasks
    ("tasks", "/p/{program}/tasks/"),
    ("task", "/p/{program}/tasks/{task}/"),
    ("task_update_new", "/p/{program}/tasks/{task}/updates/new/"),
    ("solutions", "/p/{program}/solutions/{solution}/"),
    ("task_import", "/p/{program}/tasks/updates/import/"),
    ("rollup", "/o/{city}/"),
    ("rollup_cold", "/o/{city}/"),
    ("overview_cold", "/p/{program}/"),
]
# Downloads: measured one at a time in a child process, for their time and peak memory.
EXPORTS = [
    ("review_export", "/p/{program}/reviews/{year}/export.xlsx"),
    ("review_report", "/p/{program}/reviews/{year}/report.docx"),
    ("targets_export", "/p/{program}/targets/export.xlsx"),
    ("import_template", "/p/{program}/imports/template.xlsx"),
    ("rollup_export", "/o/{city}/rollup.xlsx"),
    ("tasks_export", "/p/{program}/tasks/export.xlsx"),
    ("task_template", "/p/{program}/tasks/updates/import/template.xlsx"),
]
# The pages whose time the task budget compares with and without 200 more tasks (``bench --task-growth``).
TASK_GROWTH_PAGES = {
    FLOOR,
    "overview",
    "tasks",
    "task",
    "task_update_new",
    "solutions",
    "task_import",
    "unit",
    "target",
}
# Pages that a signed-in user is redirected away from.
ANONYMOUS_ONLY = {"login"}
# Pages timed with the cache emptied before each request: the roll-up with no programme's counts kept
# (the first view after the cache restarts, before ``manage.py rollup_warm`` has run), the overview with
# no programme's judged rows kept (``selectors.program_rows``: the first view of the programme since its
# last change, by anyone). "rollup" and "overview" are the views as they usually are: the counts and the
# rows kept under the programme's version, recomputed when it changes.
EMPTY_CACHE_FIRST = {"rollup_cold", "overview_cold"}
# The pages whose usual view reads a value kept in the cache: asked once, untimed, after a page of
# ``EMPTY_CACHE_FIRST`` emptied it, so that the next round finds them as they usually are.
KEEPS_A_VALUE = ("overview", "rollup")


@dataclass(frozen=True)
class Page:
    name: str
    url: str


def placeholders(*, today: datetime.date | None = None, program: str | None = None) -> dict[str, str]:
    """Real codes to put into the URLs: the measured programme (the one of slug ``program``; else the first
    synthetic ward's first programme of ``generate_scale_data --organisations``, so that an instance holding
    that ward alone and one holding it beside the others measure the same one; else the newest synthetic
    programme of ``--programs``; else the newest active one), the organisation above its own (the city: its
    roll-up), its first group, its target with the most reports, that target's lead unit, the latest
    year with an approved figure, and its active task with the most updates with that task's group of
    solutions. At most 7 queries ({} when there is no such programme)."""
    today = today or datetime.date.today()
    programs = Program.objects.select_related("organisation__parent")
    if program is not None:
        program = programs.filter(slug=program).first()
    else:
        active = programs.filter(is_active=True).order_by("-issued_on", "-id")
        program = (
            active.filter(slug=scale_ward_slug(1, 1)).first()
            or active.filter(slug__startswith="mau-").first()
            or active.first()
        )
    if program is None:
        return {}
    group = DomainGroup.objects.filter(program=program).order_by("number").first()
    target = (
        Target.objects.filter(program=program)
        .annotate(n=Count("reports"))
        .select_related("lead_unit")
        .order_by("-n", "order")
        .first()
    )
    year = ProgressReport.objects.filter(
        target__program=program, status=ProgressReport.Status.APPROVED, year__lt=today.year
    ).aggregate(year=Max("year"))["year"]
    city = program.organisation.parent or program.organisation
    values = {"year": str(year or today.year - 1), "program": program.slug, "city": city.code}
    if group:
        values["group"] = group.code
    if target:
        values["target"] = target.code
        values["unit"] = target.lead_unit.code
    task = (
        Task.objects.filter(program=program, is_active=True)
        .annotate(n=Count("updates"))
        .order_by("-n", "solution_group__number", "order", "code")
        .values_list("code", "solution_group__number")
        .first()
    )
    if task:
        values["task"], values["solution"] = task[0], str(task[1])
    return values


def resolvable(table, values: dict[str, str]) -> tuple[list[Page], list[str]]:
    """The pages of ``table`` whose URL can be filled in and resolves, and a note for each one skipped."""
    pages, notes = [], []
    for name, pattern in table:
        try:
            url = pattern.format(**values)
        except KeyError as missing:
            notes.append(f"{name}: skipped, no data for {missing} in this database")
            continue
        try:
            resolve(url.split("?", 1)[0])
        except Resolver404:
            notes.append(f"{name}: skipped, {url} does not resolve yet")
            continue
        pages.append(Page(name, url))
    return pages, notes
