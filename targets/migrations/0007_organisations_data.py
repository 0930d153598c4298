"""Each existing programme's issuing body becomes an organisation; units and role groups go with it."""

from django.db import migrations


def _slug(text):
    import re
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def organisations_from_programmes(apps, schema_editor):
    """An existing instance held one organisation's programmes: each issuing body becomes an organisation
    (the district's as ``quan-cau-giay``), its units and people go with the first, and the role groups become
    memberships of it."""
    Organisation = apps.get_model("targets", "Organisation")
    Program = apps.get_model("targets", "Program")
    Unit = apps.get_model("targets", "Unit")
    Membership = apps.get_model("targets", "Membership")
    Group = apps.get_model("auth", "Group")
    first = None
    for program in Program.objects.order_by("issued_on", "id"):
        code = (
            "quan-cau-giay" if program.issuing_body == "QUẬN ỦY CẦU GIẤY" else _slug(program.issuing_body) or "to-chuc"
        )
        organisation, _ = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "name": program.issuing_body.title(),
                "parent_body": program.parent_body,
                "issuing_body": program.issuing_body,
                "place_name": program.place_name,
            },
        )
        first = first or organisation
        program.organisation = organisation
        slug, n = _slug(program.number) or f"p-{program.pk}", 1
        while Program.objects.filter(slug=slug).exclude(pk=program.pk).exists():
            n += 1
            slug = f"{_slug(program.number)}-{n}"
        program.slug = slug
        program.save(update_fields=["organisation", "slug"])
    if first is None and (Unit.objects.exists() or Group.objects.exists()):
        first = Organisation.objects.create(
            code="to-chuc", name="Tổ chức", parent_body="", issuing_body="", place_name=""
        )
    if first is None:
        return
    Unit.objects.filter(organisation__isnull=True).update(organisation=first)
    for group in Group.objects.filter(name__in=["office", "leader", "unit_staff"]):
        for user in group.user_set.all():
            Membership.objects.get_or_create(user=user, organisation=first, role=group.name)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0006_organisations"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(organisations_from_programmes, migrations.RunPython.noop),
    ]
