"""Programmes across a reorganisation: copying one to another organisation (``manage.py program_copy``,
the admin's action)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import DomainGroup, Milestone, Organisation, Program, SolutionGroup, Target, Unit, slugify_code
from .versions import program_version_bump


@transaction.atomic
def program_copy(
    *,
    source: Program,
    organisation: Organisation,
    number: str | None = None,
    slug: str | None = None,
    create_units: bool = False,
) -> Program:
    """Copy ``source``'s groups, solution groups, targets (with their supporting units) and milestones as a
    new programme of ``organisation``, which keeps ``copied_from`` = ``source``. Units are mapped by code to
    ``organisation``'s units; a code it lacks is refused (every missing code named, nothing written) unless
    ``create_units``, which creates them as copies. Figures, reviews and closures stay with the source, which
    stays readable with its history. ``number`` defaults to the source's, ``slug`` to one made of the number
    and the organisation's code."""
    number = (number or source.number).strip()
    slug = slug or slugify_code(f"{number} {organisation.code}")
    errors = {}
    if Program.objects.filter(organisation=organisation, number=number).exists():
        errors["number"] = _("%(organisation)s already has a programme %(number)s.") % {
            "organisation": organisation.name,
            "number": number,
        }
    if Program.objects.filter(slug=slug).exists():
        errors["slug"] = _("The address %(slug)s is used by another programme.") % {"slug": slug}
    targets = list(
        source.targets.select_related("group", "lead_unit").prefetch_related("supporting_units", "milestones")
    )
    needed = {t.lead_unit.code: t.lead_unit for t in targets}
    needed.update({u.code: u for t in targets for u in t.supporting_units.all()})
    units = {u.code: u for u in Unit.objects.filter(organisation=organisation, code__in=needed)}
    missing = sorted(set(needed) - set(units))
    if missing and not create_units:
        errors["organisation"] = _("%(organisation)s has no units with the codes %(codes)s.") % {
            "organisation": organisation.name,
            "codes": ", ".join(missing),
        }
    if errors:
        raise ValidationError(errors)
    for code in missing:
        original = needed[code]
        unit = Unit(
            organisation=organisation, code=code, name=original.name, name_en=original.name_en, kind=original.kind
        )
        unit.full_clean()
        unit.save()
        units[code] = unit

    program = Program(
        organisation=organisation,
        number=number,
        slug=slug,
        copied_from=source,
        title=source.title,
        issued_on=source.issued_on,
        resolution=source.resolution,
        first_year=source.first_year,
        last_year=source.last_year,
        milestone_years=list(source.milestone_years),
    )
    program.full_clean()
    program.save()
    groups = {}
    for group in source.groups.order_by("number"):
        groups[group.pk] = DomainGroup.objects.create(
            program=program, number=group.number, code=group.code, name=group.name, name_en=group.name_en
        )
    for solution in source.solution_groups.order_by("number"):
        SolutionGroup.objects.create(
            program=program, number=solution.number, name=solution.name, source_note=solution.source_note
        )
    for target in targets:
        copy = Target(
            program=program,
            group=groups[target.group_id],
            code=target.code,
            name=target.name,
            name_en=target.name_en,
            unit_of_measure=target.unit_of_measure,
            unit_of_measure_en=target.unit_of_measure_en,
            direction=target.direction,
            is_yearly=target.is_yearly,
            is_period_average=target.is_period_average,
            baseline_value=target.baseline_value,
            baseline_year=target.baseline_year,
            lead_unit=units[target.lead_unit.code],
            source_note=target.source_note,
            order=target.order,
        )
        copy.full_clean()
        copy.save()
        copy.supporting_units.set([units[u.code] for u in target.supporting_units.all()])
        Milestone.objects.bulk_create(
            [
                Milestone(target=copy, year=m.year, min_value=m.min_value, max_value=m.max_value, deadline=m.deadline)
                for m in target.milestones.all()
            ]
        )
    program_version_bump(program_ids=[program.pk])
    return program
